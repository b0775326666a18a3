import FluentKit
import Foundation
import SQLKit
import SwitchyardCore

extension CatalogStore: LLMConfigRepository {
    public func createConfig(_ config: BotLLMConfig) async throws -> BotLLMConfig {
        try await transaction { db in
            guard try await BotRow.find(config.botID, on: db) != nil else { throw StoreError.notFound("bot") }
            if config.isActive {
                try await self.lock(table: "bots", id: config.botID, on: db)
                try await self.deactivateAll(botID: config.botID, on: db)
            }
            let row = LLMConfigRow(config)
            try await row.create(on: db)
            return row.value
        }
    }

    public func configs(botID: UUID) async throws -> [BotLLMConfig] {
        try await readSQL().raw("SELECT * FROM bot_llm_configs WHERE bot_id = \(bind: botID) ORDER BY created_at")
            .all().map { try $0.llmConfig() }
    }

    public func config(id: UUID) async throws -> BotLLMConfig? {
        try await LLMConfigRow.find(id, on: reads())?.value
    }

    /// Deactivates the bot's other configs and activates this one in one transaction. On PostgreSQL the bot row is
    /// locked first, so concurrent activations queue; the partial unique index refuses a second active config
    /// whatever happens.
    public func activate(configID: UUID) async throws -> BotLLMConfig {
        try await transaction { db in
            guard let row = try await LLMConfigRow.find(configID, on: db) else {
                throw StoreError.notFound("llm config")
            }
            try await self.lock(table: "bots", id: row.botID, on: db)
            try await self.deactivateAll(botID: row.botID, on: db)
            row.isActive = true
            try await row.update(on: db)
            return row.value
        }
    }

    private func deactivateAll(botID: UUID, on db: any Database) async throws {
        try await LLMConfigRow.query(on: db).filter(\.$botID == botID).filter(\.$isActive == true)
            .set(\.$isActive, to: false).update()
    }
}
