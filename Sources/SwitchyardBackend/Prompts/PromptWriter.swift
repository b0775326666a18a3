import SwitchyardCore
import Yams

/// Writes a rendered prompt as the model receives it: YAML (keys in the written order, as the reference's
/// `yaml.dump(…, sort_keys=False)`), JSON (the same structure), or text paragraphs.
///
/// The YAML is written here rather than through an emitter library: this runs on every chat turn, and a general
/// emitter resolves every scalar's type with regular expressions (in a profile, a fifth of a turn's CPU). A string is
/// written plain only when a YAML reader would read it back as that same string; otherwise it is double-quoted (or,
/// spanning lines, a literal block).
enum PromptWriter {
    static func yaml(_ prompt: RenderedPrompt) -> String {
        var out = ""
        switch prompt {
        case .prewritten(let fragment): return yaml(fragment.value)
        case .mapping(let pairs): writeMapping(pairs, indent: "", into: &out)
        case .sequence(let items): writeSequence(items, indent: "", into: &out)
        case .string(let text): out += scalar(text, indent: "")
        case .typed(let literal, _): out += literal
        }
        if out.hasSuffix("\n") { out.removeLast() }
        return out
    }

    private static func writeMapping(_ pairs: [RenderedPrompt.Pair], indent: String, into out: inout String) {
        for pair in pairs {
            // Appends one piece at a time: `a + b + c` would build and drop an intermediate string per pair.
            out += indent
            out += scalar(pair.key, indent: indent, allowBlock: false)
            out += ":"
            writeValue(pair.value, indent: indent, into: &out)
        }
    }

    private static func writeSequence(_ items: [RenderedPrompt], indent: String, into out: inout String) {
        for item in items {
            out += indent + "-"
            switch item.unwrapped {
            case .mapping(let pairs):
                // The first pair shares the dash's line; the rest align under it.
                var nested = ""
                writeMapping(pairs, indent: indent + "  ", into: &nested)
                out += " " + nested.dropFirst(indent.count + 2)
            case .sequence(let inner):
                var nested = ""
                writeSequence(inner, indent: indent + "  ", into: &nested)
                out += " " + nested.dropFirst(indent.count + 2)
            default:
                writeValue(item, indent: indent, into: &out)
            }
        }
    }

    /// A value after `key:` or `-`: on the same line when it is a scalar, else on the next lines (a mapping indented
    /// one step more).
    private static func writeValue(_ value: RenderedPrompt, indent: String, into out: inout String) {
        let nested = indent + "  "
        switch value {
        case .prewritten(let fragment):
            out += fragment.written(.yamlValue, indent: indent) { writeValue($0, indent: indent, into: &$1) }
        case .string(let text):
            out += " "
            out += scalar(text, indent: nested)
            out += "\n"
        case .typed(let literal, _):
            out += " "
            out += literal
            out += "\n"
        case .mapping(let pairs):
            out += "\n"
            writeMapping(pairs, indent: nested, into: &out)
        case .sequence(let items):
            out += "\n"
            writeSequence(items, indent: indent, into: &out)
        }
    }

    /// A string as a plain scalar when that reads back as the same string, else a literal block (several lines) or a
    /// double-quoted scalar.
    static func scalar(_ text: String, indent: String, allowBlock: Bool = true) -> String {
        if isPlainSafe(text) { return text }
        if allowBlock, text.contains("\n"), isBlockSafe(text) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            return "|-\n" + lines.map { $0.isEmpty ? "" : indent + $0 }.joined(separator: "\n")
        }
        return quoted(text)
    }

    /// Characters that may not start a plain scalar.
    private static let indicators = Set("-?:,[]{}#&*!|>'\"%@`".unicodeScalars)
    /// Words some YAML readers take for booleans or null.
    private static let typedWords: Set<String> = ["y", "yes", "n", "no", "on", "off", "true", "false", "null", "~"]

    /// Whether `text`, written plain on one line, reads back as that same string. Conservative: a string that might
    /// read as a number, a timestamp, a boolean or null, or that holds YAML syntax, is quoted.
    static func isPlainSafe(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let firstByte = bytes.first, let lastByte = bytes.last else { return false }
        // The common case, printable ASCII, byte by byte; anything else scalar by scalar.
        if firstByte < 0x80, lastByte < 0x80 {
            let first = Unicode.Scalar(firstByte)
            if indicators.contains(first) || firstByte == 0x20 || lastByte == 0x20 || lastByte == 0x3A { return false }
            var previous: UInt8 = 0x20
            var ascii = true
            for byte in bytes {
                if byte >= 0x80 {
                    ascii = false
                    break
                }
                if byte < 0x20 || byte == 0x7F { return false }
                if byte == 0x23, previous == 0x20 { return false }  // " #" starts a comment
                if byte == 0x20, previous == 0x3A { return false }  // ": " starts a value
                previous = byte
            }
            if ascii { return typedPlainSafe(text, first: first) }
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return false }
        if indicators.contains(first) || first == " " || last == " " || last == ":" { return false }
        var previous: Unicode.Scalar = " "
        for scalar in scalars {
            if isControl(scalar) { return false }
            switch scalar {
            case "#" where previous == " ": return false
            case " " where previous == ":": return false
            default: break
            }
            previous = scalar
        }
        return typedPlainSafe(text, first: first)
    }

    /// Numbers, timestamps, merge keys and values start with a digit or one of `+ - . < = ~`; none holds a comma.
    /// Short words may read as booleans or null.
    private static func typedPlainSafe(_ text: String, first: Unicode.Scalar) -> Bool {
        if ("0"..."9").contains(first) || "+.<=~".unicodeScalars.contains(first) {
            return text.contains(",")
        }
        return !(text.utf8.count <= 5 && typedWords.contains(text.lowercased()))
    }

    /// Whether a literal block keeps `text` exactly: lines without leading space on the first line, without
    /// trailing blanks at the end, and without control characters.
    private static func isBlockSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != " ", first != "\n" else { return false }
        guard let last = text.unicodeScalars.last, last != "\n", last != " " else { return false }
        return !text.unicodeScalars.contains { $0 != "\n" && isControl($0) }
    }

    /// Characters neither YAML nor JSON take raw in a string: C0 and C1 controls (line breaks and tabs included),
    /// DEL, the Unicode line and paragraph separators and the byte-order mark.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        JSONQuoting.isEscaped(scalar)
    }

    static func json(_ prompt: RenderedPrompt) -> String {
        var out = ""
        writeJSON(prompt, indent: "", into: &out)
        return out
    }

    private static func writeJSON(_ prompt: RenderedPrompt, indent: String, into out: inout String) {
        let inner = indent + "  "
        switch prompt {
        case .prewritten(let fragment):
            out += fragment.written(.json, indent: indent) { writeJSON($0, indent: indent, into: &$1) }
        case .typed(_, let json):
            out += json
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
    /// Run once per template, when it is compiled.
    static func jsonLiteral(_ literal: String) -> String {
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

    /// A double-quoted string, valid as JSON and as YAML: the characters either would not take raw are escaped.
    static func quoted(_ text: String) -> String {
        JSONQuoting.quoted(text)
    }

    /// Top-level strings as paragraphs (a text template is one); structured sections as `Name:` and indented lines.
    static func text(_ prompt: RenderedPrompt) -> String {
        switch prompt {
        case .prewritten(let fragment): return text(fragment.value)
        case .string(let text), .typed(let text, _): return text
        case .sequence: return lines(prompt, indent: "").joined(separator: "\n")
        case .mapping(let pairs):
            return pairs.map { pair in
                switch pair.value.unwrapped {
                case .string(let text), .typed(let text, _): return text
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
        case .prewritten(let fragment):
            return lines(fragment.value, indent: indent)
        case .string(let text), .typed(let text, _):
            return indented(text, prefix: "")
        case .mapping(let pairs):
            return pairs.flatMap { pair -> [String] in
                switch pair.value.unwrapped {
                case .string(let text), .typed(let text, _): return indented(text, prefix: "\(pair.key): ")
                default: return ["\(indent)\(pair.key):"] + lines(pair.value, indent: indent + "  ")
                }
            }
        case .sequence(let items):
            return items.flatMap { item -> [String] in
                switch item.unwrapped {
                case .string(let text), .typed(let text, _): return indented(text, prefix: "- ")
                default: return ["\(indent)-"] + lines(item, indent: indent + "  ")
                }
            }
        }
    }
}
