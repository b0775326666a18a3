import SwitchyardCore
import Synchronization

/// A clock that moves only when a test moves it. `sleep` suspends until ``advance(by:)`` passes the deadline, and
/// ends at once with `CancellationError` when the sleeping task is cancelled, as `ContinuousClock` does.
public final class ManualClock: Clock, Sendable {
    public typealias Instant = AnyClock.Instant

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Int: Sleeper] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { state.withLock { $0.now } }

    public var minimumResolution: Duration { .zero }

    /// How many sleeps are waiting now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The deadlines of the sleeps waiting now, as offsets from the clock's start, soonest first.
    public var pendingDeadlines: [Duration] {
        state.withLock { $0.sleepers.values.map(\.deadline.offset).sorted() }
    }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward and wakes every sleep whose deadline it passes.
    /// - Parameter duration: How far.
    public func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers.removeValue(forKey: id) }
            return Array(due.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits (in real time, briefly yielding) until `count` sleeps are pending.
    /// - Parameter count: How many.
    /// - Throws: When none arrive within about ten seconds of real time.
    public func waitForSleepers(_ count: Int = 1) async throws {
        for _ in 0..<10_000 {
            if sleeperCount >= count { return }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw ManualClockError(message: "no sleeper arrived: \(sleeperCount) of \(count)")
    }
}

/// A wait on a ``ManualClock`` that never came.
public struct ManualClockError: Error, Sendable {
    public var message: String
}
