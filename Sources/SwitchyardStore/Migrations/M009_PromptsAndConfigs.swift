import FluentKit
import SQLKit

/// 009: free JSON metadata on bots and configs, config editing and routes, bot owners, what a prompt sends the model,
/// a user's reply length, sessions a user deletes, and language instructions as data.
///
/// `bots.metadata` becomes JSON text on both databases (it was a string map: `jsonb` on PostgreSQL); its content is
/// kept. Config metadata (`tools`, `experiment`, …) is JSON text beside the typed columns.
struct M009PromptsAndConfigs: AsyncMigration {
    var name: String { "009_prompts_and_configs" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        let uuid = postgres ? "UUID" : "TEXT"
        let time = postgres ? "TIMESTAMPTZ" : "REAL"
        let statements = [
            "ALTER TABLE bots ADD COLUMN metadata_json TEXT NOT NULL DEFAULT '{}'",
            "UPDATE bots SET metadata_json = \(postgres ? "metadata::text" : "metadata")",
            "ALTER TABLE bots DROP COLUMN metadata",
            "ALTER TABLE bots RENAME COLUMN metadata_json TO metadata",
            "ALTER TABLE bots ADD COLUMN owner_id \(uuid)",
            "ALTER TABLE bots ADD COLUMN updated_at \(time)",
            "UPDATE bots SET updated_at = created_at",
            "ALTER TABLE bot_llm_configs ADD COLUMN route TEXT",
            "ALTER TABLE bot_llm_configs ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}'",
            "ALTER TABLE bot_llm_configs ADD COLUMN updated_at \(time)",
            "UPDATE bot_llm_configs SET updated_at = created_at",
            "ALTER TABLE bot_llm_configs ADD COLUMN deleted_at \(time)",
            "ALTER TABLE prompt_versions ADD COLUMN output TEXT",
            "ALTER TABLE users ADD COLUMN response_length TEXT",
            "ALTER TABLE chat_sessions ADD COLUMN deleted_at \(time)",
            // A user's sessions with a bot, newest first.
            "CREATE INDEX chat_sessions_user_bot_created ON chat_sessions (user_id, bot_id, created_at)",
            """
            CREATE TABLE language_instructions (
              app TEXT NOT NULL,
              language TEXT NOT NULL,
              text TEXT NOT NULL,
              updated_at \(time) NOT NULL,
              PRIMARY KEY (app, language)
            )
            """,
        ]
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let statements = [
            "DROP TABLE language_instructions",
            "DROP INDEX chat_sessions_user_bot_created",
            "ALTER TABLE chat_sessions DROP COLUMN deleted_at",
            "ALTER TABLE users DROP COLUMN response_length",
            "ALTER TABLE prompt_versions DROP COLUMN output",
            "ALTER TABLE bot_llm_configs DROP COLUMN deleted_at",
            "ALTER TABLE bot_llm_configs DROP COLUMN updated_at",
            "ALTER TABLE bot_llm_configs DROP COLUMN metadata",
            "ALTER TABLE bot_llm_configs DROP COLUMN route",
            "ALTER TABLE bots DROP COLUMN updated_at",
            "ALTER TABLE bots DROP COLUMN owner_id",
        ]
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }
}
