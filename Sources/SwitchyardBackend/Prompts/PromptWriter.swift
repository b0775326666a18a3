import SwitchyardCore
import Yams

/// Writes a rendered prompt as the model receives it: YAML (keys in the written order, as the reference's
/// `yaml.dump(…, sort_keys=False)`), JSON (the same structure), or text paragraphs.
enum PromptWriter {
    static func yaml(_ prompt: RenderedPrompt) -> String {
        let text = (try? Yams.serialize(node: node(prompt), width: -1, allowUnicode: true, sortKeys: false)) ?? ""
        return text.trimmingWhitespace()
    }

    private static func node(_ prompt: RenderedPrompt) -> Node {
        switch prompt {
        case .typed(let literal):
            return .scalar(Node.Scalar(literal, .implicit, .plain))
        case .string(let text):
            // A string that would read back as another type (`31`, `yes`, `null`) is quoted; several lines are a
            // literal block.
            var style: Node.Scalar.Style = .any
            if text.contains("\n") {
                style = .literal
            } else if Resolver.default.resolveTag(of: Node(text)) != .str {
                style = .singleQuoted
            }
            return .scalar(Node.Scalar(text, Tag(.str), style))
        case .mapping(let pairs):
            return .mapping(Node.Mapping(pairs.map { (Node($0.key), node($0.value)) }))
        case .sequence(let items):
            return .sequence(Node.Sequence(items.map(node)))
        }
    }

    static func json(_ prompt: RenderedPrompt) -> String {
        var out = ""
        writeJSON(prompt, indent: "", into: &out)
        return out
    }

    private static func writeJSON(_ prompt: RenderedPrompt, indent: String, into out: inout String) {
        let inner = indent + "  "
        switch prompt {
        case .typed(let literal):
            out += jsonLiteral(literal)
        case .string(let text):
            out += quoted(text)
        case .mapping(let pairs):
            out += "{\n"
            for (index, pair) in pairs.enumerated() {
                out += inner + quoted(pair.key) + ": "
                writeJSON(pair.value, indent: inner, into: &out)
                out += index == pairs.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        case .sequence(let items):
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += inner
                writeJSON(item, indent: inner, into: &out)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        }
    }

    /// A YAML number or boolean as JSON (`True` → `true`, `0x1F` → `31`); anything JSON cannot write is a string.
    private static func jsonLiteral(_ literal: String) -> String {
        switch Tag.Name(rawValue: Node(literal).tag.description) {
        case .bool: return Bool.construct(from: Node.Scalar(literal)).map { $0 ? "true" : "false" } ?? quoted(literal)
        case .int: return Int.construct(from: Node.Scalar(literal)).map(String.init) ?? quoted(literal)
        case .float:
            guard let value = Double.construct(from: Node.Scalar(literal)), value.isFinite else {
                return quoted(literal)
            }
            return String(value)
        default: return quoted(literal)
        }
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Top-level strings as paragraphs (a text template is one); structured sections as `Name:` and indented lines.
    static func text(_ prompt: RenderedPrompt) -> String {
        switch prompt {
        case .string(let text), .typed(let text): return text
        case .sequence: return lines(prompt, indent: "").joined(separator: "\n")
        case .mapping(let pairs):
            return pairs.map { pair in
                switch pair.value {
                case .string(let text), .typed(let text): return text
                default: return (["\(pair.key):"] + lines(pair.value, indent: "  ")).joined(separator: "\n")
                }
            }.joined(separator: "\n\n")
        }
    }

    private static func lines(_ prompt: RenderedPrompt, indent: String) -> [String] {
        func indented(_ text: String, prefix: String) -> [String] {
            let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
            return parts.enumerated().map { index, line in
                index == 0 ? indent + prefix + line : indent + String(repeating: " ", count: prefix.count) + line
            }
        }
        switch prompt {
        case .string(let text), .typed(let text):
            return indented(text, prefix: "")
        case .mapping(let pairs):
            return pairs.flatMap { pair -> [String] in
                switch pair.value {
                case .string(let text), .typed(let text): return indented(text, prefix: "\(pair.key): ")
                default: return ["\(indent)\(pair.key):"] + lines(pair.value, indent: indent + "  ")
                }
            }
        case .sequence(let items):
            return items.flatMap { item -> [String] in
                switch item {
                case .string(let text), .typed(let text): return indented(text, prefix: "- ")
                default: return ["\(indent)-"] + lines(item, indent: indent + "  ")
                }
            }
        }
    }
}
