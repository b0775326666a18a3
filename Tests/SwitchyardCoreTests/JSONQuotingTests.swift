import Foundation
import SwitchyardCore
import Testing

/// The one JSON string writer (log lines, prompts as JSON and YAML): any parser reads every string back exactly, and
/// the characters that break a line or a YAML reader are escaped.
@Suite struct JSONQuotingTests {
    @Test(arguments: [
        "plain", "quote \" and \\ backslash", "line\nbreak\ttab\r", "\u{01}\u{1f} control", "नमस्ते 🌙", "",
        "del \u{7F} c1 \u{85} separators \u{2028}\u{2029} bom \u{FEFF}",
    ])
    func stringsReadBackExactly(text: String) throws {
        let quoted = JSONQuoting.quoted(text)
        #expect(try JSONDecoder().decode(String.self, from: Data(quoted.utf8)) == text)
        #expect(!quoted.unicodeScalars.dropFirst().dropLast().contains { JSONQuoting.isEscaped($0) })
    }

    @Test func escapesAreTheShortOnesWhereJSONHasThem() {
        #expect(JSONQuoting.quoted("a\"b\\c\nd\u{1}\u{2028}") == #""a\"b\\c\nd\u0001\u2028""#)
        var line = "x="
        JSONQuoting.append("ok", to: &line)
        #expect(line == #"x="ok""#)
    }
}
