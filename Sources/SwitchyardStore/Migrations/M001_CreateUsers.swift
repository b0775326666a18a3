import FluentKit

/// 001: users, unique by external id.
struct M001CreateUsers: AsyncMigration {
    var name: String { "001_create_users" }

    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("external_id", .string, .required)
            .field("name", .string)
            .field("age", .int)
            .field("gender", .string)
            .field("time_zone", .string)
            .field("language", .string)
            .field("birth_date", .string)
            .field("birth_time", .string)
            .field("birth_place", .string)
            .field("metadata", .dictionary(of: .string), .required)
            .field("created_at", .datetime, .required)
            .unique(on: "external_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}
