import FluentKit
import Foundation
import SQLKit
import SwitchyardCore

extension CatalogStore: LanguageInstructionRepository {
    public func languageInstructions() async throws -> [LanguageInstruction] {
        try await readSQL().raw("SELECT app, language, text FROM language_instructions ORDER BY app, language").all()
            .map { row in
                LanguageInstruction(
                    app: try row.decode(column: "app", as: String.self),
                    language: try row.decode(column: "language", as: String.self),
                    text: try row.decode(column: "text", as: String.self))
            }
    }

    public func setLanguageInstruction(_ instruction: LanguageInstruction, at date: Date) async throws {
        try await transaction { db in
            guard let sql = db as? any SQLDatabase else { throw StoreError.notFound("an SQL database") }
            try await sql.raw(
                """
                INSERT INTO language_instructions (app, language, text, updated_at)
                VALUES (\(bind: instruction.app), \(bind: instruction.language), \(bind: instruction.text), \(bind: date))
                ON CONFLICT (app, language) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at
                """
            ).run()
        }
    }

    public func deleteLanguageInstruction(app: String, language: String) async throws -> Bool {
        try await transaction { db in
            guard let sql = db as? any SQLDatabase else { throw StoreError.notFound("an SQL database") }
            return try await !sql.raw(
                "DELETE FROM language_instructions WHERE app = \(bind: app) AND language = \(bind: language) RETURNING app"
            ).all().isEmpty
        }
    }
}
