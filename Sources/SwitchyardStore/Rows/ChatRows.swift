import FluentKit
import Foundation
import SwitchyardCore

final class ChatSessionRow: Model, @unchecked Sendable {
    static let schema = "chat_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "bot_id") var botID: UUID
    @Field(key: "config_id") var configID: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(_ session: ChatSession) {
        id = session.id
        userID = session.userID
        botID = session.botID
        configID = session.configID
        createdAt = session.createdAt
    }

    var value: ChatSession {
        ChatSession(id: id ?? UUID(), userID: userID, botID: botID, configID: configID, createdAt: createdAt)
    }
}

final class ChatMessageRow: Model, @unchecked Sendable {
    static let schema = "chat_messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "session_id") var sessionID: UUID
    /// Orders messages within a session: a turn's user message and reply get consecutive numbers.
    @Field(key: "seq") var seq: Int64
    @Field(key: "role") var role: String
    @Field(key: "content") var content: String
    @OptionalField(key: "provider") var provider: String?
    @OptionalField(key: "model") var model: String?
    @OptionalField(key: "config_id") var configID: UUID?
    @OptionalField(key: "prompt_tokens") var promptTokens: Int?
    @OptionalField(key: "completion_tokens") var completionTokens: Int?
    @OptionalField(key: "idempotency_key") var idempotencyKey: String?
    @OptionalField(key: "reply_to") var replyTo: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(_ message: StoredMessage, seq: Int64, replyTo: UUID? = nil) {
        id = message.id
        sessionID = message.sessionID
        self.seq = seq
        role = message.role.rawValue
        content = message.content
        provider = message.provider
        model = message.model
        configID = message.configID
        promptTokens = message.usage?.promptTokens
        completionTokens = message.usage?.completionTokens
        idempotencyKey = message.idempotencyKey
        self.replyTo = replyTo
        createdAt = message.createdAt
    }

    var value: StoredMessage {
        StoredMessage(
            id: id ?? UUID(), sessionID: sessionID, role: ChatRole(rawValue: role) ?? .user, content: content,
            provider: provider, model: model, configID: configID,
            usage: promptTokens.map { Usage(promptTokens: $0, completionTokens: completionTokens ?? 0) },
            idempotencyKey: idempotencyKey, createdAt: createdAt)
    }
}
