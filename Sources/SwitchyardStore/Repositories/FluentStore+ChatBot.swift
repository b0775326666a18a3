import Foundation
import SQLKit
import SwitchyardCore

extension FluentStore: ChatBotReader {
    /// One query: the bot, each of its configs, and the prompt version each config's label points to. Columns are
    /// aliased by table so the joined names do not collide.
    public func chatBot(slug: String) async throws -> ChatBotSnapshot? {
        let rows = try await readSQL.raw(
            """
            SELECT b.id AS b_id, b.slug AS b_slug, b.name AS b_name, b.description AS b_description,
              b.scene_description AS b_scene_description, b.avatar_url AS b_avatar_url, b.status AS b_status,
              b.type AS b_type, b.rank AS b_rank, b.time_zone AS b_time_zone, b.metadata AS b_metadata,
              b.launched_on AS b_launched_on, b.created_at AS b_created_at, b.deleted_at AS b_deleted_at,
              c.*, v.template_name AS v_template_name, v.version AS v_version, v.format AS v_format,
              v.body AS v_body, v.created_at AS v_created_at
            FROM bots b
            LEFT JOIN bot_llm_configs c ON c.bot_id = b.id
            LEFT JOIN prompt_labels l ON l.template_name = c.prompt_template AND l.label = c.prompt_label
            LEFT JOIN prompt_versions v ON v.template_name = l.template_name AND v.version = l.version
            WHERE b.slug = \(bind: slug) AND b.deleted_at IS NULL
            ORDER BY c.created_at
            """
        ).all()
        guard let first = rows.first else { return nil }
        let bot = try first.bot(prefix: "b_")
        var configs: [BotLLMConfig] = []
        var prompts: [UUID: PromptVersion] = [:]
        for row in rows where try row.decodeNil(column: "id") == false {
            let config = try row.llmConfig()
            configs.append(config)
            if try row.decode(column: "v_template_name", as: String?.self) != nil {
                prompts[config.id] = try row.promptVersion(prefix: "v_")
            }
        }
        return ChatBotSnapshot(bot: bot, configs: configs, prompts: prompts)
    }
}
