import FluentKit
import Foundation
import SQLKit
import SwitchyardCore

extension FluentStore: ChatRepository {
    public func session(id: UUID) async throws -> ChatSession? {
        try await rows(ChatStatements.session(id: id)) { try $0.chatSession() }.first
    }

    public func recentMessages(sessionID: UUID, limit: Int) async throws -> [StoredMessage] {
        try await rows(ChatStatements.recentMessages(sessionID: sessionID, limit: limit)) { try $0.storedMessage() }
            .reversed()
    }

    public func reply(sessionID: UUID, idempotencyKey: String) async throws -> StoredMessage? {
        try await rows(ChatStatements.reply(sessionID: sessionID, idempotencyKey: idempotencyKey)) {
            try $0.storedMessage()
        }.first
    }

    /// On SQLite the turn joins the group commit of ``TurnBatcher``; on PostgreSQL it is its own transaction, with
    /// the session row locked so that concurrent turns of one session number their messages in order.
    public func saveTurn(newSession: ChatSession?, user: StoredMessage, reply: StoredMessage) async throws {
        let turn = PendingTurn(newSession: newSession, user: user, reply: reply)
        if let turnBatcher {
            try await turnBatcher.submit(turn)
            return
        }
        try await transaction { db in
            guard let sql = db as? any SQLDatabase else { throw StoreError.notFound("SQL database") }
            var last: Int64 = 0
            if newSession == nil {
                try await sql.raw("SELECT id FROM chat_sessions WHERE id = \(bind: user.sessionID) FOR UPDATE").run()
                last =
                    try await sql.raw(ChatStatements.lastSequence(sessionID: user.sessionID).sqlKit).first()?
                    .decode(column: "seq", as: Int64?.self) ?? 0
            }
            for statement in ChatStatements.writes(for: [turn], lastSequence: { _ in last }) {
                try await sql.raw(statement.sqlKit).run()
            }
        }
    }
}

extension SQLiteConnectionHandle {
    /// Writes `turns` in the caller's transaction.
    func writeTurns(_ turns: [PendingTurn]) throws {
        let statements = try ChatStatements.writes(for: turns) { sessionID in
            try rows(ChatStatements.lastSequence(sessionID: sessionID)) {
                try $0.decode(column: "seq", as: Int64?.self)
            }
            .first.flatMap { $0 } ?? 0
        }
        for statement in statements { try run(statement) }
    }
}

extension FluentStore {
    /// How many sessions a user has (for tests and operators).
    func sessionCount(userID: UUID) async throws -> Int {
        try await readSQL.raw("SELECT COUNT(*) AS n FROM chat_sessions WHERE user_id = \(bind: userID)").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }
}
