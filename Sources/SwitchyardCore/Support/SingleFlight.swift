/// Concurrent calls with the same key share one run of the work: the first caller starts it, later ones wait for
/// its result (a value or an error). Used for a chat turn's idempotency key (one provider call and one charge in a
/// process) and for the gateway's deduplicated routes (one upstream call for identical concurrent requests).
///
/// The shared work runs in a task of its own, so one caller's cancellation (its client left, or a shutdown's drain
/// time is over) does not reach it by itself: the work is cancelled when every caller waiting for it is.
public actor SingleFlight<Key: Hashable & Sendable, Value: Sendable> {
    private struct Entry {
        let task: Task<Value, any Error>
        var waiters: Int
    }

    private var running: [Key: Entry] = [:]

    public init() {}

    /// - Parameters:
    ///   - key: What identifies the work.
    ///   - body: The work, run only if none with this key is running.
    /// - Returns: The work's value, and whether this call joined a run that another call started.
    /// - Throws: The work's error, or `CancellationError` when every caller left.
    public func run(
        _ key: Key, _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> (value: Value, joined: Bool) {
        let task: Task<Value, any Error>
        let joined: Bool
        if var entry = running[key] {
            entry.waiters += 1
            running[key] = entry
            task = entry.task
            joined = true
        } else {
            task = Task { try await body() }
            running[key] = Entry(task: task, waiters: 1)
            joined = false
        }
        defer { if running[key]?.task == task { running[key] = nil } }
        let value = try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            Task { await self.abandon(key, task) }
        }
        return (value, joined)
    }

    /// One waiter was cancelled; the last one cancels the work.
    private func abandon(_ key: Key, _ task: Task<Value, any Error>) {
        guard var entry = running[key], entry.task == task else { return }
        entry.waiters -= 1
        running[key] = entry
        if entry.waiters == 0 { task.cancel() }
    }
}
