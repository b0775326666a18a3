import Foundation
import SQLKit
import SwitchyardCore

/// Runs the hot path's read statements without Fluent: the chat turn's, and the user lookup that every
/// authenticated request makes.
protocol StatementReader: Sendable {
    /// Runs a read statement and maps its rows.
    func rows<T: Sendable>(
        _ statement: StoreStatement, _ map: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> [T]

    /// Whether statements may change rows inside a `WITH` (PostgreSQL): then a ledger operation is one round trip.
    var hasWritableCTEs: Bool { get }
}

extension StatementReader {
    var hasWritableCTEs: Bool { false }
}

/// A chat store that runs the turn's ``ChatStatements`` on one database: the reads are the same everywhere; what
/// differs is how statements run and how a batch of turns and holds is written (its ``WriteBatcher``).
protocol StatementChatStore: ChatStore, StatementReader, TransactionalStore {
    /// Group commit for chat turns and holds.
    var batcher: WriteBatcher { get }
}

extension StatementChatStore {
    func ping() async throws {
        _ = try await rows(StoreStatement("SELECT 1")) { _ in 0 }
    }

    func session(id: UUID) async throws -> ChatSession? {
        try await rows(ChatStatements.session(id: id)) { try $0.chatSession() }.first
    }

    func attempts(messageIDs: [UUID]) async throws -> [UUID: [AttemptRecord]] {
        guard !messageIDs.isEmpty else { return [:] }
        let rows = try await rows(ChatStatements.attempts(messageIDs: messageIDs)) {
            (try $0.decode(column: "message_id", as: UUID.self), try $0.attemptRecord())
        }
        return Dictionary(grouping: rows, by: \.0).mapValues { $0.map(\.1) }
    }

    func usageRecords(from: Date, to: Date) async throws -> [UsageRecord] {
        try await rows(ChatStatements.usageRecords(from: from, to: to)) { row in
            UsageRecord(
                turnID: try row.decode(column: "turn_id", as: UUID.self),
                position: try row.decode(column: "position", as: Int.self),
                botID: try row.decode(column: "bot_id", as: UUID.self),
                provider: try row.decode(column: "provider", as: String.self),
                model: try row.decode(column: "model", as: String.self),
                outcome: AttemptRecord.Outcome(name: try row.decode(column: "outcome", as: String.self))
                    ?? .failed(.transport),
                latencyMilliseconds: try row.decode(column: "latency_ms", as: Int.self),
                promptTokens: try row.decode(column: "prompt_tokens", as: Int?.self) ?? 0,
                completionTokens: try row.decode(column: "completion_tokens", as: Int?.self) ?? 0,
                cost: try row.decode(column: "cost_nanos", as: Int64?.self),
                createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }

    func saveFailedTurn(_ turn: FailedTurn) async throws {
        let attempts = TurnRows.attempts(owner: turn.id, turn.attempts, at: turn.createdAt)
        try await writeTransaction { tx in
            _ = try await tx.rows(ChatStatements.insertFailedTurn(turn)) { _ in () }
            // One row per statement: SQLite binds at most 999 values in one.
            for row in attempts { _ = try await tx.rows(ChatStatements.insertFailedAttempts([row])) { _ in () } }
        }
    }

    func recentMessages(sessionID: UUID, limit: Int) async throws -> [StoredMessage] {
        try await rows(ChatStatements.recentMessages(sessionID: sessionID, limit: limit)) { try $0.storedMessage() }
            .reversed()
    }

    func reply(sessionID: UUID, idempotencyKey: String) async throws -> StoredMessage? {
        try await rows(ChatStatements.reply(sessionID: sessionID, idempotencyKey: idempotencyKey)) {
            try $0.storedMessage()
        }.first
    }

    func openedSession(userID: UUID, botID: UUID, idempotencyKey: String) async throws -> ChatSession? {
        try await rows(ChatStatements.openedSession(userID: userID, botID: botID, idempotencyKey: idempotencyKey)) {
            try $0.chatSession()
        }.first
    }

    /// The turn joins the group commit of ``WriteBatcher``: turns and holds that arrive together are written in one
    /// transaction, and this returns once this turn is committed.
    func saveTurn(
        newSession: ChatSession?, user: StoredMessage, reply: StoredMessage, settlement: Settlement?
    ) async throws -> TurnReceipt {
        guard
            case .turn(let receipt) = try await batcher.submit(
                .turn(PendingTurn(newSession: newSession, user: user, reply: reply, settlement: settlement)))
        else { throw StoreError.notFound("turn receipt") }
        return receipt
    }

    func endSession(id: UUID, at date: Date) async throws -> Bool {
        try await !writeTransaction { tx in
            try await tx.rows(ChatStatements.endSession(id: id, at: date)) {
                try $0.decode(column: "id", as: UUID.self)
            }
        }.isEmpty
    }

    func sessions(userID: UUID, botID: UUID, offset: Int, limit: Int) async throws -> [SessionSummary] {
        try await rows(ChatStatements.sessions(userID: userID, botID: botID, offset: offset, limit: limit)) { row in
            try row.sessionSummary()
        }
    }

    func deleteSession(id: UUID, userID: UUID, at date: Date) async throws -> Bool {
        try await !writeTransaction { tx in
            try await tx.rows(ChatStatements.deleteSession(id: id, userID: userID, at: date)) {
                try $0.decode(column: "id", as: UUID.self)
            }
        }.isEmpty
    }

    func sessionTotals(id: UUID) async throws -> (charged: Int64, turns: Int64) {
        let totals = try await rows(ChatStatements.sessionTotals(id: id)) {
            (try $0.decode(column: "charged", as: Int64.self), try $0.decode(column: "seq", as: Int64.self))
        }.first
        return (totals?.0 ?? 0, (totals?.1 ?? 0) / 2)
    }
}
