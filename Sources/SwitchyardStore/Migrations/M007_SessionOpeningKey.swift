import FluentKit
import SQLKit

/// 007: a session remembers the idempotency key of the turn that opened it, unique per user and bot, so that a
/// retried first message finds its session instead of opening a second one. The index is partial: sessions opened
/// without a key cost it nothing.
struct M007SessionOpeningKey: AsyncMigration {
    var name: String { "007_session_opening_key" }

    func prepare(on database: any Database) async throws {
        try await database.schema("chat_sessions").field("opening_key", .string).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            """
            CREATE UNIQUE INDEX chat_sessions_opening_key ON chat_sessions (user_id, bot_id, opening_key)
            WHERE opening_key IS NOT NULL
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX chat_sessions_opening_key").run()
        try await database.schema("chat_sessions").deleteField("opening_key").update()
    }
}
