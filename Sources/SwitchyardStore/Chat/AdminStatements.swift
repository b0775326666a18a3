import Foundation
import SQLKit
import SwitchyardCore

/// The operator console's reads (see ``AdminDirectory``), shared by both databases.
enum AdminStatements {
    /// `LOWER(column) LIKE pattern ESCAPE '\'` on both databases; the pattern is lowered and its wildcards escaped.
    static func containsPattern(_ query: String) -> String {
        var escaped = ""
        for character in query.lowercased() {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }

    static func users(matching query: String, offset: Int, limit: Int) -> StoreStatement {
        let page: [StoreBind] = [.integer(Int64(limit)), .integer(Int64(offset))]
        guard !query.isEmpty else {
            return StoreStatement("SELECT * FROM users ORDER BY external_id LIMIT ? OFFSET ?", page)
        }
        let pattern = containsPattern(query)
        return StoreStatement(
            """
            SELECT * FROM users
            WHERE LOWER(external_id) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(name, '')) LIKE ? ESCAPE '\\'
            ORDER BY external_id LIMIT ? OFFSET ?
            """, [.text(pattern), .text(pattern)] + page)
    }

    static func sessions(userID: UUID?, botID: UUID?, offset: Int, limit: Int) -> StoreStatement {
        var conditions: [String] = []
        var binds: [StoreBind] = []
        if let userID {
            conditions.append("s.user_id = ?")
            binds.append(.uuid(userID))
        }
        if let botID {
            conditions.append("s.bot_id = ?")
            binds.append(.uuid(botID))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return StoreStatement(
            """
            SELECT s.*, m.content AS last_content, m.role AS last_role, m.created_at AS last_at
            FROM chat_sessions s
            LEFT JOIN chat_messages m ON m.session_id = s.id
              AND m.seq = (SELECT MAX(seq) FROM chat_messages WHERE session_id = s.id)
            \(filter)
            ORDER BY s.created_at DESC, s.id DESC LIMIT ? OFFSET ?
            """, binds + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    static func sessionCounts(since date: Date) -> StoreStatement {
        StoreStatement(
            "SELECT bot_id, COUNT(*) AS sessions FROM chat_sessions WHERE created_at >= ? GROUP BY bot_id",
            [.date(date)])
    }
}

extension StatementChatStore {
    func users(matching query: String, offset: Int, limit: Int) async throws -> [User] {
        try await rows(AdminStatements.users(matching: query, offset: offset, limit: limit)) { try $0.user() }
    }

    func user(externalID: String) async throws -> User? {
        try await rows(ChatStatements.user(externalID: externalID)) { try $0.user() }.first
    }

    func sessions(userID: UUID?, botID: UUID?, offset: Int, limit: Int) async throws -> [SessionSummary] {
        try await rows(AdminStatements.sessions(userID: userID, botID: botID, offset: offset, limit: limit)) { row in
            try row.sessionSummary()
        }
    }

    func sessionCounts(since date: Date) async throws -> [UUID: Int] {
        let counts = try await rows(AdminStatements.sessionCounts(since: date)) {
            (try $0.decode(column: "bot_id", as: UUID.self), try $0.decode(column: "sessions", as: Int.self))
        }
        return Dictionary(counts, uniquingKeysWith: +)
    }
}
