import FluentKit

/// 002: bots, unique by slug (deleted ones keep theirs, so a slug is never reused).
struct M002CreateBots: AsyncMigration {
    var name: String { "002_create_bots" }

    func prepare(on database: any Database) async throws {
        try await database.schema("bots")
            .id()
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("scene_description", .string, .required)
            .field("avatar_url", .string)
            .field("status", .string, .required)
            .field("type", .string, .required)
            .field("rank", .int, .required)
            .field("time_zone", .string)
            .field("metadata", .dictionary(of: .string), .required)
            .field("launched_on", .datetime)
            .field("created_at", .datetime, .required)
            .field("deleted_at", .datetime)
            .unique(on: "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bots").delete()
    }
}
