import FluentKit
import SQLKit

/// 005: chat sessions and messages; an idempotency key is unique within a session.
struct M005CreateChat: AsyncMigration {
    var name: String { "005_create_chat" }

    func prepare(on database: any Database) async throws {
        try await database.schema("chat_sessions")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("bot_id", .uuid, .required, .references("bots", "id"))
            .field("config_id", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("chat_messages")
            .id()
            .field("session_id", .uuid, .required, .references("chat_sessions", "id"))
            .field("seq", .int64, .required)
            .field("role", .string, .required)
            .field("content", .string, .required)
            .field("provider", .string)
            .field("model", .string)
            .field("config_id", .uuid)
            .field("prompt_tokens", .int)
            .field("completion_tokens", .int)
            .field("idempotency_key", .string)
            .field("reply_to", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "session_id", "seq")
            .unique(on: "session_id", "idempotency_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("chat_messages").delete()
        try await database.schema("chat_sessions").delete()
    }
}
