/// Any `Clock` measured in `Duration`, erased so that a service can be handed one (the real `ContinuousClock` in
/// production, a manual clock in tests) without becoming generic. Instants are offsets from the moment the
/// wrapper was made.
public struct AnyClock: Clock, Sendable {
    /// An offset from the wrapper's origin.
    public struct Instant: InstantProtocol, Sendable, Hashable {
        public var offset: Duration

        /// - Parameter offset: Time since the clock's origin.
        public init(offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        public func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }
    }

    private let readNow: @Sendable () -> Duration
    private let sleepUntil: @Sendable (Duration, Duration?) async throws -> Void
    public let minimumResolution: Duration

    /// - Parameter clock: The clock to read and sleep on.
    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        readNow = { origin.duration(to: clock.now) }
        sleepUntil = { offset, tolerance in
            try await clock.sleep(until: origin.advanced(by: offset), tolerance: tolerance)
        }
        minimumResolution = clock.minimumResolution
    }

    public var now: Instant {
        Instant(offset: readNow())
    }

    /// Sleeps until `deadline`; throws `CancellationError` at once when the task is cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await sleepUntil(deadline.offset, tolerance)
    }
}
