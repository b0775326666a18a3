import Mustache
import SwitchyardCore
import Yams

/// Reads a YAML-structured prompt into a ``PromptNode`` tree: mappings (in the order written), lists and scalars of
/// any depth, `{{variables}}` inside any string, and conditional entries: a mapping whose only keys are `when` or
/// `unless` and one of `text`/`content` is replaced by its `text`/`content` when the condition holds, and dropped
/// otherwise.
///
///     Role: You are {{bot_name}}, {{bot_description}}
///     Query House Mapping:
///       Marriage:
///         Houses To Analyze: "7, 2, 11, 8"
///     Past User Memories:
///       when: conversation_history
///       content: "{{conversation_history}}"
enum YAMLPromptParser {
    private static let wrapperKeys: Set<String> = ["when", "unless", "text", "content"]

    static func root(_ source: String) throws -> (PromptNode, Set<PromptVariable>) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: source)
        } catch {
            throw PromptTemplateError(description: "The YAML does not parse: \(error).")
        }
        guard let node, let mapping = node.mapping, !mapping.isEmpty else {
            throw PromptTemplateError(description: "A YAML prompt must be a mapping of section names to their content.")
        }
        var variables = Set<PromptVariable>()
        let root = try compile(.mapping(mapping), path: "", variables: &variables)
        return (root, variables)
    }

    private static func compile(_ node: Node, path: String, variables: inout Set<PromptVariable>) throws -> PromptNode {
        switch node {
        case .scalar(let scalar):
            return .scalar(try PromptTemplate.scalar(scalar, place: path, variables: &variables))
        case .sequence(let sequence):
            var items: [PromptEntry] = []
            for (index, item) in sequence.enumerated() {
                items.append(try entry(key: nil, value: item, path: "\(path)[\(index)]", variables: &variables))
            }
            return .sequence(items)
        case .mapping(let mapping):
            var entries: [PromptEntry] = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string, !name.isEmpty else {
                    throw PromptTemplateError(description: "Section names must be non-empty strings (under `\(path)`).")
                }
                if name.contains("{{") {
                    throw PromptTemplateError(description: "Section name `\(name)` holds a variable; only values may.")
                }
                let place = path.isEmpty ? name : "\(path).\(name)"
                entries.append(try entry(key: name, value: value, path: place, variables: &variables))
            }
            return .mapping(entries)
        }
    }

    /// A keyed or listed value, unwrapping a conditional.
    private static func entry(
        key: String?, value: Node, path: String, variables: inout Set<PromptVariable>
    ) throws -> PromptEntry {
        guard let fields = value.mapping, isWrapper(fields) else {
            return PromptEntry(key: key, node: try compile(value, path: path, variables: &variables))
        }
        func condition(_ name: String) throws -> PromptVariable? {
            guard let field = fields[name] else { return nil }
            guard let text = field.scalar?.string else {
                throw PromptTemplateError(description: "`\(name)` in `\(path)` must name a variable.")
            }
            let variable = try PromptTemplate.variable(text, place: path)
            variables.insert(variable)
            return variable
        }
        guard let body = fields["text"] ?? fields["content"], fields["text"] == nil || fields["content"] == nil else {
            throw PromptTemplateError(
                description: "`\(path)` has `when`/`unless`: give it exactly one of `text` and `content`.")
        }
        return PromptEntry(
            key: key, node: try compile(body, path: path, variables: &variables), when: try condition("when"),
            unless: try condition("unless"))
    }

    /// `{when|unless, text|content}`, or the older `{text}` alone.
    private static func isWrapper(_ fields: Node.Mapping) -> Bool {
        let keys = Array(fields.keys.compactMap { $0.scalar?.string })
        guard keys.count == fields.count, Set(keys).isSubset(of: wrapperKeys) else { return false }
        return keys.contains("when") || keys.contains("unless") || keys == ["text"]
    }
}
