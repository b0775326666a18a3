import Foundation
import SQLKit
import SwitchyardCore

extension StatementChatStore {
    /// One query: the bot, each of its configs, and the prompt version each config's label points to.
    func chatBot(slug: String) async throws -> ChatBotSnapshot? {
        let rows = try await rows(ChatStatements.chatBot(slug: slug)) { row in
            let config = try row.decodeNil(column: "id") ? nil : try row.llmConfig()
            let prompt =
                try row.decode(column: "v_template_name", as: String?.self) == nil
                ? nil : try row.promptVersion(prefix: "v_")
            return (bot: try row.bot(prefix: "b_"), config: config, prompt: prompt)
        }
        guard let bot = rows.first?.bot else { return nil }
        var configs: [BotLLMConfig] = []
        var prompts: [UUID: PromptVersion] = [:]
        for row in rows {
            guard let config = row.config else { continue }
            configs.append(config)
            prompts[config.id] = row.prompt
        }
        return ChatBotSnapshot(bot: bot, configs: configs, prompts: prompts)
    }
}
