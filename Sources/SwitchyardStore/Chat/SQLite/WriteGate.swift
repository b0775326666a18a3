/// One writer at a time, in arrival order, across the store's two SQLite write paths (Fluent's connection for the
/// admin API, ``SQLiteEngine``'s for chat turns). Without it, a Fluent transaction that reads before it writes
/// could lose its snapshot to a chat commit and fail with `SQLITE_BUSY`.
actor WriteGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` while holding the gate.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
