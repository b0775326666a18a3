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

    public func openedSession(userID: UUID, botID: UUID, idempotencyKey: String) async throws -> ChatSession? {
        try await rows(ChatStatements.openedSession(userID: userID, botID: botID, idempotencyKey: idempotencyKey)) {
            try $0.chatSession()
        }.first
    }

    /// The turn joins the group commit of ``TurnBatcher``: turns that arrive together are written in one
    /// transaction, and this returns once this turn is committed.
    public func saveTurn(newSession: ChatSession?, user: StoredMessage, reply: StoredMessage) async throws {
        try await turnBatcher.submit(PendingTurn(newSession: newSession, user: user, reply: reply))
    }

    /// Writes a batch of turns on PostgreSQL in the caller's transaction: the continued sessions' rows are locked
    /// (so that writers on other instances number their messages after these), then one multi-row insert each for
    /// the sessions and the messages.
    static func writeTurns(_ turns: [PendingTurn], on db: any Database) async throws {
        var last: [UUID: Int64] = [:]
        let continued = TurnRows.continuedSessions(turns)
        if !continued.isEmpty {
            let sequences = try await postgresRows(ChatStatements.lockedLastSequences(sessionIDs: continued), on: db) {
                (try $0.decode(column: "session_id", as: UUID.self), try $0.decode(column: "seq", as: Int64?.self))
            }
            for (sessionID, seq) in sequences { last[sessionID] = seq ?? 0 }
        }
        let rows = TurnRows(turns) { last[$0] ?? 0 }
        if !rows.sessions.isEmpty { _ = try await postgresRows(ChatStatements.insertSessions(rows.sessions), on: db) }
        _ = try await postgresRows(ChatStatements.insertMessages(rows.messages), on: db)
    }
}

extension SQLiteConnectionHandle {
    /// Writes a batch of turns in the caller's transaction, a row per statement: each statement is prepared once
    /// and reused, so SQLite parses nothing per turn.
    func writeTurns(_ turns: [PendingTurn]) throws {
        let rows = try TurnRows(turns) { sessionID in
            try self.rows(ChatStatements.lastSequence(sessionID: sessionID)) {
                try $0.decode(column: "seq", as: Int64?.self)
            }
            .first.flatMap { $0 } ?? 0
        }
        for row in rows.sessions { try run(ChatStatements.insertSessions([row])) }
        for row in rows.messages { try run(ChatStatements.insertMessages([row])) }
    }
}
