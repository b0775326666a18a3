import Foundation
import Mustache
import SwitchyardCore

/// Why a template was refused when it was saved.
public struct PromptTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

/// A validated prompt: a `{{variable}}` text, or a YAML-structured prompt whose sections render in their written
/// order and may be conditional. Rendering uses swift-mustache (escaping off: prompts are text, not HTML).
public struct PromptTemplate: Sendable {
    struct Section: Sendable {
        var name: String
        var template: MustacheTemplate
        /// Rendered only when this variable has a non-empty value.
        var when: PromptVariable?
        /// Rendered only when this variable is empty.
        var unless: PromptVariable?
    }

    let sections: [Section]
    /// Every variable the template uses, so that only their resolvers run.
    public let variables: Set<PromptVariable>

    /// - Parameters:
    ///   - source: The template text or YAML.
    ///   - format: Which of the two it is.
    /// - Throws: ``PromptTemplateError`` for a syntax error or an unknown variable.
    public init(source: String, format: PromptVersion.Format) throws {
        switch format {
        case .text:
            let (template, variables) = try Self.compile(source, section: nil)
            sections = [Section(name: "prompt", template: template)]
            self.variables = variables
        case .yaml:
            var variables = Set<PromptVariable>()
            var sections: [Section] = []
            for entry in try YAMLPromptParser.sections(source) {
                let (template, used) = try Self.compile(entry.text, section: entry.name)
                let when = try entry.when.map { try Self.variable($0, section: entry.name) }
                let unless = try entry.unless.map { try Self.variable($0, section: entry.name) }
                variables.formUnion(used)
                if let when { variables.insert(when) }
                if let unless { variables.insert(unless) }
                sections.append(Section(name: entry.name, template: template, when: when, unless: unless))
            }
            self.sections = sections
            self.variables = variables
        }
    }

    /// The names of the sections, in order.
    public var sectionNames: [String] { sections.map(\.name) }

    /// - Parameter values: The resolved variables (missing ones render empty).
    /// - Returns: The prompt text.
    public func render(_ values: [String: String]) -> String {
        sections.compactMap { section -> String? in
            if let when = section.when, (values[when.rawValue] ?? "").isEmpty { return nil }
            if let unless = section.unless, !(values[unless.rawValue] ?? "").isEmpty { return nil }
            let text = section.template.render(values).trimmingWhitespace()
            return text.isEmpty ? nil : text
        }.joined(separator: "\n\n")
    }

    private static func compile(_ text: String, section: String?) throws -> (MustacheTemplate, Set<PromptVariable>) {
        let place = section.map { " in section `\($0)`" } ?? ""
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
        } catch {
            throw PromptTemplateError(description: "The template has a syntax error\(place): \(describe(error)).")
        }
        var variables = Set<PromptVariable>()
        for name in tagNames(in: text) {
            variables.insert(try variable(name, section: section))
        }
        return (template, variables)
    }

    private static func variable(_ name: String, section: String?) throws -> PromptVariable {
        guard let variable = PromptVariable(rawValue: name) else {
            let place = section.map { " in section `\($0)`" } ?? ""
            throw PromptTemplateError(
                description:
                    "Unknown variable `\(name)`\(place). Known variables: "
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
