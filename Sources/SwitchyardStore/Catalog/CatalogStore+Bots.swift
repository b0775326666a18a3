import FluentKit
import Foundation
import SQLKit
import SwitchyardCore

extension CatalogStore: BotRepository {
    public func createBot(_ bot: Bot) async throws -> Bot {
        try await transaction { db in
            if try await BotRow.query(on: db).filter(\.$slug == bot.slug).count() > 0 {
                throw StoreError.conflict("slug \(bot.slug)")
            }
            let row = BotRow(bot)
            try await row.create(on: db)
            return row.value
        }
    }

    public func bot(slug: String) async throws -> Bot? {
        try await readSQL().raw("SELECT * FROM bots WHERE slug = \(bind: slug) AND deleted_at IS NULL").first()?.bot()
    }

    public func bot(id: UUID) async throws -> Bot? {
        guard let row = try await BotRow.find(id, on: reads()), row.deletedAt == nil else { return nil }
        return row.value
    }

    public func bots(status: BotStatus?) async throws -> [Bot] {
        var query = BotRow.query(on: try reads()).filter(\.$deletedAt == nil)
        if let status { query = query.filter(\.$status == status.rawValue) }
        return try await query.sort(\.$rank).sort(\.$name).all().map(\.value)
    }

    public func slugExists(_ slug: String) async throws -> Bool {
        try await BotRow.query(on: reads()).filter(\.$slug == slug).count() > 0
    }

    public func updateBot(_ bot: Bot) async throws {
        try await transaction { db in
            guard let row = try await BotRow.find(bot.id, on: db), row.deletedAt == nil else {
                throw StoreError.notFound("bot \(bot.slug)")
            }
            row.apply(bot)
            try await row.update(on: db)
        }
    }

    public func softDeleteBot(slug: String, at date: Date) async throws -> Bool {
        try await transaction { db in
            guard let row = try await BotRow.query(on: db).filter(\.$slug == slug).filter(\.$deletedAt == nil).first()
            else { return false }
            row.deletedAt = date
            row.status = BotStatus.archived.rawValue
            try await row.update(on: db)
            return true
        }
    }
}
