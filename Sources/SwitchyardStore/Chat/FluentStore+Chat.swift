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
}
