import Foundation
import SwitchyardCore

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
        for row in rows.attempts { try run(ChatStatements.insertAttempts([row])) }
    }
}
