import SwitchyardCore

/// Requests with the same idempotency key that arrive while the first is running share its result: one provider
/// call and one charge within this process. (Across replicas the wallet's pending-hold index does the same for paid
/// turns; for free ones the second copy finds the first's stored turn, or is refused by the idempotency index and
/// answers with it.)
///
/// The shared work runs in a task of its own, so a request's cancellation (its client left, or a shutdown's drain
/// time is over) does not reach it by itself: the work is cancelled when every request waiting for it is.
actor InFlightTurns {
    private struct Entry {
        let task: Task<ChatTurnReply, any Error>
        var waiters: Int
    }

    private var running: [String: Entry] = [:]

    func run(_ key: String, _ body: @escaping @Sendable () async throws -> ChatTurnReply) async throws -> ChatTurnReply
    {
        let task: Task<ChatTurnReply, any Error>
        if var entry = running[key] {
            entry.waiters += 1
            running[key] = entry
            task = entry.task
        } else {
            task = Task { try await body() }
            running[key] = Entry(task: task, waiters: 1)
        }
        defer { if running[key]?.task == task { running[key] = nil } }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            Task { await self.abandon(key, task) }
        }
    }

    /// One waiter was cancelled; the last one cancels the work.
    private func abandon(_ key: String, _ task: Task<ChatTurnReply, any Error>) {
        guard var entry = running[key], entry.task == task else { return }
        entry.waiters -= 1
        running[key] = entry
        if entry.waiters == 0 { task.cancel() }
    }
}
