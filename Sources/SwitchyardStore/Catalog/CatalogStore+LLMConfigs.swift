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
        try await readSQL().raw(
            """
            SELECT * FROM bot_llm_configs WHERE bot_id = \(bind: botID) AND deleted_at IS NULL
            ORDER BY CASE WHEN is_active THEN 0 ELSE 1 END, created_at
            """
        ).all().map { try $0.llmConfig() }
    }

    public func config(id: UUID) async throws -> BotLLMConfig? {
        guard let row = try await LLMConfigRow.find(id, on: reads()), row.deletedAt == nil else { return nil }
        return row.value
    }

    public func updateConfig(_ config: BotLLMConfig) async throws -> BotLLMConfig {
        try await transaction { db in
            guard let row = try await LLMConfigRow.find(config.id, on: db), row.deletedAt == nil else {
                throw StoreError.notFound("llm config")
            }
            var changed = config
            changed.isActive = row.isActive
            changed.createdAt = row.createdAt
            row.apply(changed)
            try await row.update(on: db)
            return row.value
        }
    }

    public func deleteConfig(id: UUID, at date: Date) async throws {
        try await transaction { db in
            guard let row = try await LLMConfigRow.find(id, on: db), row.deletedAt == nil else {
                throw StoreError.notFound("llm config")
            }
            try await self.lock(table: "bots", id: row.botID, on: db)
            // Read again under the lock: an activation may have just made it the active one.
            guard let current = try await LLMConfigRow.find(id, on: db), !current.isActive else {
                throw StoreError.conflict("active config")
            }
            current.deletedAt = date
            current.updatedAt = date
            current.weight = 0
            try await current.update(on: db)
        }
    }

    /// Deactivates the bot's other configs and activates this one in one transaction. On PostgreSQL the bot row is
    /// locked first, so concurrent activations queue; the partial unique index refuses a second active config
    /// whatever happens.
    public func activate(configID: UUID) async throws -> BotLLMConfig {
        try await transaction { db in
            guard let row = try await LLMConfigRow.find(configID, on: db), row.deletedAt == nil else {
                throw StoreError.notFound("llm config")
            }
            try await self.lock(table: "bots", id: row.botID, on: db)
            try await self.deactivateAll(botID: row.botID, on: db)
            row.isActive = true
            row.updatedAt = Date()
            try await row.update(on: db)
            return row.value
        }
    }

    private func deactivateAll(botID: UUID, on db: any Database) async throws {
        try await LLMConfigRow.query(on: db).filter(\.$botID == botID).filter(\.$isActive == true)
            .set(\.$isActive, to: false).set(\.$updatedAt, to: Date()).update()
    }
}
