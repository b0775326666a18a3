import Foundation
import Mustache
import SwitchyardCore
import Yams

/// Why a template was refused when it was saved.
public struct PromptTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

/// A node of a compiled prompt: the structure a YAML template declares, or the one text of a text template.
indirect enum PromptNode: Sendable {
    case scalar(PromptScalar)
    case mapping([PromptEntry])
    case sequence([PromptEntry])
    /// A part without variables or conditions, rendered once when the template is compiled (nil: it is empty).
    case fixed(RenderedPrompt?)

    var isFixed: Bool {
        if case .fixed = self { return true }
        return false
    }
}

/// A keyed (mapping) or listed (sequence) value, rendered only when its condition holds.
struct PromptEntry: Sendable {
    var key: String?
    var node: PromptNode
    /// Rendered only when this variable has a non-empty value.
    var when: PromptVariable? = nil
    /// Rendered only when this variable is empty.
    var unless: PromptVariable? = nil
}

/// A scalar of a template: a string with `{{variables}}` (rendered by swift-mustache, escaping off), or a typed
/// literal (a number, a boolean) that is sent as written.
struct PromptScalar: Sendable {
    var template: MustacheTemplate?
    /// The variable, when the whole scalar is one `{{variable}}`: its value is used as is, without the template
    /// engine (most values of a structured prompt are).
    var variable: String? = nil
    var literal: String
    /// A number or boolean as written, not a string.
    var isTyped: Bool
    /// A typed literal as JSON.
    var json: String = ""
}

/// A rendered prompt, before it is written as YAML, JSON or text. Empty strings, and mappings and lists left empty,
/// are dropped.
indirect enum RenderedPrompt: Sendable, Equatable {
    case string(String)
    /// A number or boolean as written, and as JSON.
    case typed(String, json: String)
    case mapping([Pair])
    case sequence([RenderedPrompt])
    /// Nested data whose written forms are kept across turns.
    case prewritten(PromptFragment)

    /// The value itself, for writers that do not keep written forms.
    var unwrapped: RenderedPrompt {
        if case .prewritten(let fragment) = self { return fragment.value }
        return self
    }

    struct Pair: Sendable, Equatable {
        var key: String
        var value: RenderedPrompt
    }

    /// Nested prompt data as rendered structure.
    init(_ data: PromptData) {
        switch data {
        case .text(let text): self = .string(text)
        case .fields(let fields): self = .mapping(fields.map { Pair(key: $0.key, value: RenderedPrompt($0.value)) })
        case .list(let items): self = .sequence(items.map(RenderedPrompt.init))
        }
    }
}

/// A validated prompt: a `{{variable}}` text, or a YAML-structured prompt of any depth whose entries render in their
/// written order and may be conditional, sent to the model as YAML (the default), JSON or text.
public struct PromptTemplate: Sendable {
    let root: PromptNode
    /// Every variable the template uses, so that only their resolvers run.
    public let variables: Set<PromptVariable>
    /// What the model receives.
    public let output: PromptOutput

    /// - Parameters:
    ///   - source: The template text or YAML.
    ///   - format: Which of the two it is.
    ///   - output: What the model receives; nil for the format's default (YAML for YAML, text for text).
    /// - Throws: ``PromptTemplateError`` for a syntax error, an unknown variable or an output the format cannot have.
    public init(source: String, format: PromptVersion.Format, output: PromptOutput? = nil) throws {
        switch format {
        case .text:
            guard output == nil || output == .text else {
                throw PromptTemplateError(
                    description: "A text template is sent as text; `output` `yaml` or `json` needs a YAML template.")
            }
            var variables = Set<PromptVariable>()
            let scalar = try Self.compile(source, place: nil, variables: &variables)
            root = .scalar(PromptScalar(template: scalar, literal: source, isTyped: false))
            self.variables = variables
            self.output = .text
        case .yaml:
            let (parsed, variables) = try YAMLPromptParser.root(source)
            root = Self.frozen(parsed)
            self.variables = variables
            self.output = output ?? .yaml
        }
    }

    /// The top-level section names, in order.
    public var sectionNames: [String] {
        switch root {
        case .mapping(let entries): entries.compactMap(\.key)
        case .fixed(.mapping(let pairs)?): pairs.map(\.key)
        default: []
        }
    }

    /// - Parameters:
    ///   - values: The resolved variables (missing ones render empty).
    ///   - structured: Nested values (external data) for scalars that are one whole `{{variable}}`: a YAML or JSON
    ///     prompt shows them as nested entries instead of one block of text.
    /// - Returns: The prompt exactly as the model receives it.
    public func render(_ values: [String: String], structured: [String: PromptData] = [:]) -> String {
        render(values, fragments: output == .text ? [:] : structured.mapValues(PromptFragment.init))
    }

    /// - Parameters:
    ///   - values: The resolved variables (missing ones render empty).
    ///   - fragments: Nested values as ``render(_:structured:)`` takes them, with their written forms kept: a value
    ///     cached across turns is written once per place.
    /// - Returns: The prompt exactly as the model receives it.
    func render(_ values: [String: String], fragments: [String: PromptFragment]) -> String {
        let nested = output == .text ? [:] : fragments.mapValues(RenderedPrompt.prewritten)
        guard let rendered = Self.render(root, values, nested) else { return "" }
        switch output {
        case .yaml: return PromptWriter.yaml(rendered)
        case .json: return PromptWriter.json(rendered)
        case .text: return PromptWriter.text(rendered)
        }
    }

    /// The node with every part that holds no variable and no condition rendered now, so that a turn renders only
    /// what depends on it.
    static func frozen(_ node: PromptNode) -> PromptNode {
        switch node {
        case .fixed:
            return node
        case .scalar(let scalar):
            return scalar.template == nil && scalar.variable == nil ? .fixed(render(node, [:])) : node
        case .mapping(let entries), .sequence(let entries):
            let children = entries.map { entry in
                var entry = entry
                entry.node = frozen(entry.node)
                return entry
            }
            let rebuilt: PromptNode = if case .mapping = node { .mapping(children) } else { .sequence(children) }
            let isStatic = children.allSatisfy { $0.when == nil && $0.unless == nil && $0.node.isFixed }
            return isStatic ? .fixed(render(rebuilt, [:])) : rebuilt
        }
    }

    /// The structure with the values in place; nil when nothing is left.
    static func render(
        _ node: PromptNode, _ values: [String: String], _ structured: [String: RenderedPrompt] = [:]
    ) -> RenderedPrompt? {
        func holds(_ entry: PromptEntry) -> Bool {
            if let when = entry.when, (values[when.rawValue] ?? "").isEmpty { return false }
            if let unless = entry.unless, !(values[unless.rawValue] ?? "").isEmpty { return false }
            return true
        }
        switch node {
        case .fixed(let rendered):
            return rendered
        case .scalar(let scalar):
            if scalar.isTyped { return .typed(scalar.literal, json: scalar.json) }
            let text: String
            if let variable = scalar.variable, let nested = structured[variable] {
                return nested
            } else if let variable = scalar.variable {
                text = (values[variable] ?? "").trimmingWhitespace()
            } else {
                text = (scalar.template?.render(values) ?? scalar.literal).trimmingWhitespace()
            }
            return text.isEmpty ? nil : .string(text)
        case .mapping(let entries):
            let pairs = entries.compactMap { entry -> RenderedPrompt.Pair? in
                guard holds(entry), let key = entry.key, let value = render(entry.node, values, structured) else {
                    return nil
                }
                return RenderedPrompt.Pair(key: key, value: value)
            }
            return pairs.isEmpty ? nil : .mapping(pairs)
        case .sequence(let items):
            let rendered = items.compactMap { holds($0) ? render($0.node, values, structured) : nil }
            return rendered.isEmpty ? nil : .sequence(rendered)
        }
    }

    /// A YAML scalar of the source: a typed literal, a plain string, or a string with variables.
    static func scalar(
        _ scalar: Node.Scalar, place: String, variables: inout Set<PromptVariable>
    ) throws
        -> PromptScalar
    {
        let text = scalar.string
        if !text.contains("{{") {
            let tag = Tag.Name(rawValue: Node.scalar(scalar).tag.description)
            let typed = tag == .int || tag == .float || tag == .bool
            if tag == .null { return PromptScalar(template: nil, literal: "", isTyped: false) }
            return PromptScalar(
                template: nil, literal: text, isTyped: typed, json: typed ? PromptWriter.jsonLiteral(text) : "")
        }
        let template = try compile(text, place: place, variables: &variables)
        let names = tagNames(in: text)
        let whole = text.trimmingWhitespace()
        let direct = names.count == 1 && (whole == "{{\(names[0])}}" || whole == "{{{\(names[0])}}}") ? names[0] : nil
        return PromptScalar(template: template, variable: direct, literal: text, isTyped: false)
    }

    private static func compile(
        _ text: String, place: String?, variables: inout Set<PromptVariable>
    ) throws
        -> MustacheTemplate
    {
        let location = place.map { " in `\($0)`" } ?? ""
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
        } catch {
            throw PromptTemplateError(description: "The template has a syntax error\(location): \(describe(error)).")
        }
        for name in tagNames(in: text) {
            variables.insert(try variable(name, place: place))
        }
        return template
    }

    static func variable(_ name: String, place: String?) throws -> PromptVariable {
        guard let variable = PromptVariable(rawValue: name) else {
            let location = place.map { " in `\($0)`" } ?? ""
            throw PromptTemplateError(
                description:
                    "Unknown variable `\(name)`\(location). Known variables: "
                    + PromptVariable.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        return variable
    }

    /// The names of every `{{name}}`, `{{{name}}}`, `{{&name}}`, `{{#name}}`, `{{^name}}` tag.
    static func tagNames(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            var tag = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            if tag.hasPrefix("{") { tag.removeFirst() }
            guard let first = tag.first else { continue }
            if "!/%>=<$".contains(first) { continue }
            if "#^&".contains(first) { tag.removeFirst() }
            let name = tag.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "}"))
            if !name.isEmpty { names.append(name) }
        }
        return names
    }

    private static func describe(_ error: any Error) -> String {
        if let parser = error as? MustacheTemplate.ParserError {
            return "\(parser.error) at line \(parser.context.lineNumber), column \(parser.context.columnNumber)"
        }
        return "\(error)"
    }
}
