import SwitchyardCore

/// Requests with the same idempotency key that arrive while the first is running share its result: one provider
/// call and one charge within this process. (Across replicas the wallet's pending-hold index does the same for paid
/// turns; for free ones the second copy finds the first's stored turn, or is refused by the idempotency index and
/// answers with it.)
actor InFlightTurns {
    private var running: [String: Task<ChatTurnReply, any Error>] = [:]

    func run(_ key: String, _ body: @escaping @Sendable () async throws -> ChatTurnReply) async throws -> ChatTurnReply
    {
        if let task = running[key] { return try await task.value }
        let task = Task { try await body() }
        running[key] = task
        defer { running[key] = nil }
        return try await task.value
    }
}
