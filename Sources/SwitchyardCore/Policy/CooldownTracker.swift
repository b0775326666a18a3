/// Decides when a target that keeps failing should be skipped for a while.
///
/// A pure state machine: callers pass the current instant and get decisions back; nothing here sleeps or reads a
/// clock. The rules follow LiteLLM's router:
/// - within a sliding `window`, a target with at least `minimumFailures` transient failures and a failure rate above
///   `failureRateThreshold` cools down for `cooldown` (so one lone failure never does);
/// - a target that is broken (bad key, unknown model) cools down at once;
/// - a success clears the target's record;
/// - failures that are not the target's fault (bad request, filtered content) do not count.
public struct CooldownTracker<Instant: InstantProtocol>: Sendable where Instant.Duration == Swift.Duration {
    public struct Settings: Sendable, Equatable {
        public var window: Duration
        public var cooldown: Duration
        public var minimumFailures: Int
        public var failureRateThreshold: Double

        /// - Parameters:
        ///   - window: How far back outcomes count.
        ///   - cooldown: How long a target is skipped.
        ///   - minimumFailures: Fewer transient failures than this in the window never cool a target down.
        ///   - failureRateThreshold: Failures over outcomes in the window above which the target cools down.
        public init(
            window: Duration = .seconds(60),
            cooldown: Duration = .seconds(30),
            minimumFailures: Int = 3,
            failureRateThreshold: Double = 0.5
        ) {
            self.window = window
            self.cooldown = cooldown
            self.minimumFailures = minimumFailures
            self.failureRateThreshold = failureRateThreshold
        }
    }

    /// What recording an outcome did to the target.
    public enum Transition: Sendable, Equatable {
        case unchanged
        case cooledDown(until: Instant)
        case recovered
    }

    /// Outcome counts in a bucket of `window / bucketCount`, so memory stays constant at any request rate.
    private struct Bucket: Sendable {
        var start: Instant
        var successes = 0
        var failures = 0
    }

    private struct Record: Sendable {
        var buckets: [Bucket] = []
        var coolingUntil: Instant?

        mutating func prune(now: Instant, window: Duration) {
            buckets.removeAll { $0.start.duration(to: now) >= window }
        }

        /// Ends any cooldown and counts a success.
        /// - Returns: Whether the target was cooling down.
        mutating func succeeded(now: Instant, window: Duration) -> Bool {
            let wasCooling = coolingUntil != nil
            coolingUntil = nil
            add(failed: false, now: now, window: window)
            return wasCooling
        }

        mutating func add(failed: Bool, now: Instant, window: Duration) {
            prune(now: now, window: window)
            let width = window / CooldownTracker.bucketCount
            if let last = buckets.last, last.start.duration(to: now) < width {
                buckets[buckets.count - 1].successes += failed ? 0 : 1
                buckets[buckets.count - 1].failures += failed ? 1 : 0
            } else {
                buckets.append(Bucket(start: now, successes: failed ? 0 : 1, failures: failed ? 1 : 0))
            }
        }

        var failures: Int { buckets.reduce(0) { $0 + $1.failures } }
        var total: Int { buckets.reduce(0) { $0 + $1.successes + $1.failures } }
    }

    private static var bucketCount: Int { 12 }

    public let settings: Settings
    private var records: [TargetKey: Record] = [:]

    /// - Parameter settings: The thresholds.
    public init(settings: Settings = .init()) {
        self.settings = settings
    }

    /// - Parameters:
    ///   - key: The target.
    ///   - now: The current instant.
    /// - Returns: Whether the target is cooling down now.
    // The gateway's instant: a specialization the gateway module links to, so its hot path does not look up
    // generic metadata at run time.
    @_specialize(exported:true,where Instant == AnyClock.Instant)
    public func isCoolingDown(_ key: TargetKey, now: Instant) -> Bool {
        guard let until = records[key]?.coolingUntil else { return false }
        return now < until
    }

    /// - Parameter now: The current instant.
    /// - Returns: Every target seen so far, and whether it is cooling down now.
    public func states(now: Instant) -> [TargetKey: Bool] {
        records.mapValues { record in record.coolingUntil.map { now < $0 } ?? false }
    }

    /// Records a success: it counts toward the failure rate and ends any cooldown.
    /// - Parameters:
    ///   - key: The target.
    ///   - now: The current instant.
    /// - Returns: `.recovered` if the target was cooling down, else `.unchanged`.
    @discardableResult
    @_specialize(exported:true,where Instant == AnyClock.Instant)
    public mutating func recordSuccess(_ key: TargetKey, now: Instant) -> Transition {
        // In place: a copy taken out of the dictionary and put back would copy its buckets on every request.
        let wasCooling = records[key, default: Record()].succeeded(now: now, window: settings.window)
        return wasCooling ? .recovered : .unchanged
    }

    /// Records a failure of the given kind.
    /// - Parameters:
    ///   - key: The target.
    ///   - kind: The failure's class.
    ///   - now: The current instant.
    /// - Returns: `.cooledDown` when this failure starts a cooldown.
    @discardableResult
    @_specialize(exported:true,where Instant == AnyClock.Instant)
    public mutating func recordFailure(_ key: TargetKey, kind: ProviderFailure.Kind, now: Instant) -> Transition {
        switch FailurePolicy.health(for: kind) {
        case .neutral:
            return .unchanged
        case .broken:
            return startCooldown(key, now: now)
        case .transient:
            records[key, default: Record()].add(failed: true, now: now, window: settings.window)
            let failures = records[key]?.failures ?? 0
            let rate = Double(failures) / Double(max(records[key]?.total ?? 0, 1))
            guard failures >= settings.minimumFailures, rate > settings.failureRateThreshold,
                !isCoolingDown(key, now: now)
            else { return .unchanged }
            return startCooldown(key, now: now)
        }
    }

    private mutating func startCooldown(_ key: TargetKey, now: Instant) -> Transition {
        let until = now.advanced(by: settings.cooldown)
        var record = records[key] ?? Record()
        record.coolingUntil = until
        record.buckets.removeAll()
        records[key] = record
        return .cooledDown(until: until)
    }
}
