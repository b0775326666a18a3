import FluentKit
import SQLKit

/// 006: indexes for the chat turn's lookups: a bot's configs, and a session's messages by idempotency key and reply.
struct M006IndexChatLookups: AsyncMigration {
    var name: String { "006_index_chat_lookups" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX bot_llm_configs_bot_id ON bot_llm_configs (bot_id)").run()
        try await sql.raw("CREATE INDEX chat_messages_reply_to ON chat_messages (reply_to)").run()
        try await sql.raw("CREATE INDEX chat_sessions_user_id ON chat_sessions (user_id)").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX chat_sessions_user_id").run()
        try await sql.raw("DROP INDEX chat_messages_reply_to").run()
        try await sql.raw("DROP INDEX bot_llm_configs_bot_id").run()
    }
}
