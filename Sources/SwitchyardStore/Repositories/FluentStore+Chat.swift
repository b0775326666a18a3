import FluentKit
import Foundation
import SQLKit
import SwitchyardCore

extension FluentStore: ChatRepository {
    public func session(id: UUID) async throws -> ChatSession? {
        try await readSQL.raw("SELECT * FROM chat_sessions WHERE id = \(bind: id)").first()?.chatSession()
    }

    public func recentMessages(sessionID: UUID, limit: Int) async throws -> [StoredMessage] {
        try await readSQL.raw(
            "SELECT * FROM chat_messages WHERE session_id = \(bind: sessionID) ORDER BY seq DESC LIMIT \(literal: limit)"
        ).all().reversed().map { try $0.storedMessage() }
    }

    public func reply(sessionID: UUID, idempotencyKey: String) async throws -> StoredMessage? {
        try await readSQL.raw(
            """
            SELECT r.* FROM chat_messages r JOIN chat_messages u ON r.reply_to = u.id
            WHERE u.session_id = \(bind: sessionID) AND u.idempotency_key = \(bind: idempotencyKey)
            """
        ).first()?.storedMessage()
    }

    /// On SQLite the turn joins the group commit of ``TurnBatcher``; on PostgreSQL it is its own transaction, with
    /// the session row locked so that concurrent turns of one session number their messages in order.
    public func saveTurn(newSession: ChatSession?, user: StoredMessage, reply: StoredMessage) async throws {
        let turn = PendingTurn(newSession: newSession, user: user, reply: reply)
        if let turnBatcher {
            try await turnBatcher.submit(turn)
        } else {
            try await transaction { db in try await Self.writeTurns([turn], on: db, lockSessions: true) }
        }
    }

    /// Writes turns in the caller's transaction: one multi-row insert for the new sessions and one for the
    /// messages. Sequence numbers continue each session's last one, counting the earlier turns of the same batch.
    static func writeTurns(_ turns: [PendingTurn], on db: any Database, lockSessions: Bool) async throws {
        guard let sql = db as? any SQLDatabase else { throw StoreError.notFound("SQL database") }
        let sessions = turns.compactMap(\.newSession)
        if !sessions.isEmpty {
            let rows = sessions.map { session -> SQLQueryString in
                "(\(bind: session.id), \(bind: session.userID), \(bind: session.botID), \(bind: session.configID), \(bind: session.createdAt))"
            }
            try await sql.raw(
                "INSERT INTO chat_sessions (id, user_id, bot_id, config_id, created_at) VALUES \(rows.joined(separator: ", "))"
            ).run()
        }
        var nextSeq: [UUID: Int64] = [:]
        for session in sessions { nextSeq[session.id] = 1 }
        var rows: [SQLQueryString] = []
        for turn in turns {
            let sessionID = turn.user.sessionID
            if nextSeq[sessionID] == nil {
                if lockSessions {
                    try await sql.raw("SELECT id FROM chat_sessions WHERE id = \(bind: sessionID) FOR UPDATE").run()
                }
                let last =
                    try await sql.raw("SELECT MAX(seq) AS seq FROM chat_messages WHERE session_id = \(bind: sessionID)")
                    .first()?.decode(column: "seq", as: Int64?.self) ?? 0
                nextSeq[sessionID] = last + 1
            }
            let seq = nextSeq[sessionID] ?? 1
            rows.append(row(turn.user, seq: seq, replyTo: nil))
            rows.append(row(turn.reply, seq: seq + 1, replyTo: turn.user.id))
            nextSeq[sessionID] = seq + 2
        }
        try await sql.raw(
            """
            INSERT INTO chat_messages (id, session_id, seq, role, content, provider, model, config_id, prompt_tokens,
            completion_tokens, idempotency_key, reply_to, created_at) VALUES \(rows.joined(separator: ", "))
            """
        ).run()
    }

    private static func row(_ message: StoredMessage, seq: Int64, replyTo: UUID?) -> SQLQueryString {
        """
        (\(bind: message.id), \(bind: message.sessionID), \(bind: seq), \(bind: message.role.rawValue),
        \(bind: message.content), \(bind: message.provider), \(bind: message.model), \(bind: message.configID),
        \(bind: message.usage?.promptTokens), \(bind: message.usage?.completionTokens),
        \(bind: message.idempotencyKey), \(bind: replyTo), \(bind: message.createdAt))
        """
    }
}

extension FluentStore {
    /// How many sessions a user has (for tests and operators).
    func sessionCount(userID: UUID) async throws -> Int {
        try await readSQL.raw("SELECT COUNT(*) AS n FROM chat_sessions WHERE user_id = \(bind: userID)").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }
}
