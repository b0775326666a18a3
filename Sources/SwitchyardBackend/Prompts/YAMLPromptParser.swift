import Yams

/// Reads a YAML-structured prompt: a mapping of section names, in the order written, each a text or
/// `{text, when, unless}`.
///
///     persona: You are {{bot_name}}, {{bot_description}}
///     memories:
///       when: conversation_history
///       text: "Earlier:\n{{conversation_history}}"
enum YAMLPromptParser {
    struct Entry {
        var name: String
        var text: String
        var when: String?
        var unless: String?
    }

    static func sections(_ source: String) throws -> [Entry] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: source)
        } catch {
            throw PromptTemplateError(description: "The YAML does not parse: \(error).")
        }
        guard let mapping = node?.mapping, !mapping.isEmpty else {
            throw PromptTemplateError(description: "A YAML prompt must be a mapping of section names to texts.")
        }
        return try mapping.map { key, value in
            guard let name = key.string else {
                throw PromptTemplateError(description: "Section names must be strings.")
            }
            if let text = value.string { return Entry(name: name, text: text) }
            guard let fields = value.mapping, let text = fields["text"]?.string else {
                throw PromptTemplateError(
                    description: "Section `\(name)` must be a text, or a mapping with `text` (and `when`/`unless`).")
            }
            let known: Set<String> = ["text", "when", "unless"]
            if let extra = fields.keys.compactMap(\.string).first(where: { !known.contains($0) }) {
                throw PromptTemplateError(description: "Section `\(name)` has an unknown field `\(extra)`.")
            }
            return Entry(name: name, text: text, when: fields["when"]?.string, unless: fields["unless"]?.string)
        }
    }
}
