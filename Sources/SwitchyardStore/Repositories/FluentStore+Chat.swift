import FluentKit
import Foundation
import SwitchyardCore

extension FluentStore: ChatRepository {
    public func createSession(_ session: ChatSession) async throws {
        try await transaction { db in try await ChatSessionRow(session).create(on: db) }
    }

    public func session(id: UUID) async throws -> ChatSession? {
        try await ChatSessionRow.find(id, on: reads)?.value
    }

    public func recentMessages(sessionID: UUID, limit: Int) async throws -> [StoredMessage] {
        try await ChatMessageRow.query(on: reads).filter(\.$sessionID == sessionID).sort(\.$seq, .descending)
            .limit(limit).all().reversed().map(\.value)
    }

    public func reply(sessionID: UUID, idempotencyKey: String) async throws -> StoredMessage? {
        guard
            let user = try await ChatMessageRow.query(on: reads).filter(\.$sessionID == sessionID)
                .filter(\.$idempotencyKey == idempotencyKey).first(),
            let userID = user.id
        else { return nil }
        return try await ChatMessageRow.query(on: reads).filter(\.$replyTo == userID).first()?.value
    }

    public func saveTurn(newSession: ChatSession?, user: StoredMessage, reply: StoredMessage) async throws {
        try await transaction { db in
            if let newSession { try await ChatSessionRow(newSession).create(on: db) }
            try await self.lock(table: "chat_sessions", id: user.sessionID, on: db)
            let last =
                try await ChatMessageRow.query(on: db).filter(\.$sessionID == user.sessionID)
                .sort(\.$seq, .descending).first()?.seq ?? 0
            try await ChatMessageRow(user, seq: last + 1).create(on: db)
            try await ChatMessageRow(reply, seq: last + 2, replyTo: user.id).create(on: db)
        }
    }
}

extension FluentStore {
    /// How many sessions a user has (for tests and operators).
    func sessionCount(userID: UUID) async throws -> Int {
        try await ChatSessionRow.query(on: reads).filter(\.$userID == userID).count()
    }
}
