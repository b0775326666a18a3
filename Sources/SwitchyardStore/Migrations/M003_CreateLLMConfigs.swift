import FluentKit
import SQLKit

/// 003: LLM configs, and the partial unique index that lets the database itself refuse a second active config
/// for a bot.
struct M003CreateLLMConfigs: AsyncMigration {
    var name: String { "003_create_bot_llm_configs" }

    func prepare(on database: any Database) async throws {
        try await database.schema("bot_llm_configs")
            .id()
            .field("bot_id", .uuid, .required, .references("bots", "id"))
            .field("llm_provider", .string, .required)
            .field("model_name", .string, .required)
            .field("prompt_template", .string)
            .field("prompt_label", .string, .required)
            .field("inline_prompt", .string)
            .field("temperature", .double)
            .field("top_p", .double)
            .field("top_k", .int)
            .field("max_output_tokens", .int)
            .field("is_active", .bool, .required)
            .field("weight", .int, .required)
            .field("region_name", .string)
            .field("fallbacks", .string)
            .field("created_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            "CREATE UNIQUE INDEX one_active_config_per_bot ON bot_llm_configs (bot_id) WHERE is_active = true"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bot_llm_configs").delete()
    }
}
