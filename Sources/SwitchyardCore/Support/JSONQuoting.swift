/// Writes a string as a double-quoted JSON string literal (also a valid YAML double-quoted scalar): `"` and `\`
/// escaped, newline, return and tab as `\n`, `\r`, `\t`, and every other control character (C0, DEL and C1), the
/// line and paragraph separators (U+2028, U+2029) and the byte-order mark as `\uXXXX`. One implementation for the
/// prompt writer's JSON and YAML output and the JSON log lines.
public enum JSONQuoting {
    /// Appends `text`, quoted, to `out`.
    public static func append(_ text: String, to out: inout String) {
        out += "\""
        // Most text needs no escape and goes in as it is.
        if !text.utf8.contains(where: mayNeedEscape) {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                if let escape = escape(scalar) {
                    out += escape
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// - Returns: `text`, quoted.
    public static func quoted(_ text: String) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }

    /// The escape that stands for a character, or nil for one written as it is.
    public static func escape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            guard isEscaped(scalar) else { return nil }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }

    /// Whether a UTF-8 byte may start something that is escaped: an ASCII control, `"`, `\`, DEL, or the lead byte
    /// of a C1 control (C2), of U+2028/U+2029 (E2) or of the byte-order mark (EF). Text without such bytes is written
    /// as it is.
    public static func mayNeedEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F || byte == 0xC2 || byte == 0xE2 || byte == 0xEF
    }

    /// Whether a character other than the named escapes is written as `\uXXXX`.
    public static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
            || scalar == "\u{FEFF}"
    }
}
