import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `/admin/v1/language-instructions…`: the instructions keyed by app and language (`*` for any app, or for the
/// default language), laid over the configuration file's.
struct AdminLanguagesController<Context: RequestContext>: Sendable {
    let instructions: any LanguageInstructionRepository
    let table: LanguageInstructionTable
    let limit: Int

    struct TextInput: Decodable {
        var text: String
    }

    func register(on group: RouteRegistrar<RouterGroup<Context>>) {
        group.get("/admin/v1/language-instructions") { _, _ in
            table.invalidate()
            return try JSONCoding.response(await table.current().all)
        }
        group.put("/admin/v1/language-instructions/{app}/{language}") { request, context in
            let (app, language) = try Self.key(context)
            let input = try await JSONCoding.decode(TextInput.self, from: request, limit: limit)
            let text = input.text.trimmingWhitespace()
            guard !text.isEmpty, text.count <= 2000 else {
                throw APIError.invalidRequest("`text` must be 1 to 2000 characters.", param: "text")
            }
            let instruction = LanguageInstruction(app: app, language: language, text: text)
            try await instructions.setLanguageInstruction(instruction, at: Date())
            table.invalidate()
            return try JSONCoding.response(instruction)
        }
        group.delete("/admin/v1/language-instructions/{app}/{language}") { _, context in
            let (app, language) = try Self.key(context)
            guard try await instructions.deleteLanguageInstruction(app: app, language: language) else {
                throw APIError.notFound("No language instruction set for app '\(app)' and language '\(language)'.")
            }
            table.invalidate()
            return Response(status: .noContent)
        }
    }

    private static func key(_ context: Context) throws -> (String, String) {
        let app = try context.parameters.require("app")
        let language = try context.parameters.require("language")
        for (name, value) in [("app", app), ("language", language)]
        where value.range(of: #"^(\*|[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$"#, options: .regularExpression) == nil {
            throw APIError.invalidRequest(
                "`\(name)` must be `*` or 1 to 64 letters, digits, '.', '_' or '-'.", param: name)
        }
        return (app, language.lowercased())
    }
}
