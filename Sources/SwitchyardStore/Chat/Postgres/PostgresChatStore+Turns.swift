import FluentKit
import Foundation
import SQLKit
import SwitchyardCore

extension PostgresChatStore {
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
        // PostgreSQL takes at most 65 535 binds in one statement: 15 per attempt.
        for chunk in stride(from: 0, to: rows.attempts.count, by: 4_000) {
            let slice = Array(rows.attempts[chunk..<min(chunk + 4_000, rows.attempts.count)])
            _ = try await postgresRows(ChatStatements.insertAttempts(slice), on: db)
        }
    }
}
