import FluentKit

/// 004: prompt template versions (immutable) and labels (movable).
struct M004CreatePrompts: AsyncMigration {
    var name: String { "004_create_prompts" }

    func prepare(on database: any Database) async throws {
        try await database.schema("prompt_versions")
            .id()
            .field("template_name", .string, .required)
            .field("version", .int, .required)
            .field("format", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "template_name", "version")
            .create()
        try await database.schema("prompt_labels")
            .id()
            .field("template_name", .string, .required)
            .field("label", .string, .required)
            .field("version", .int, .required)
            .unique(on: "template_name", "label")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("prompt_labels").delete()
        try await database.schema("prompt_versions").delete()
    }
}
