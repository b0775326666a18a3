import Foundation
import SwitchyardCore
import Testing

/// The hand-written JSON of the hot paths: what it writes parses back to what was written, strings by
/// ``JSONQuoting``'s rules (so both writers escape alike).
@Suite struct JSONWriterTests {
    @Test(arguments: [
        "plain", "quote \" and \\ backslash", "line\nbreak\ttab\r", "\u{01}\u{1f} control", "नमस्ते 🌙 é", "",
        "del \u{7F} c1 \u{85} separators \u{2028}\u{2029} bom \u{FEFF}", "Â£ and ✓ and ￿",
    ])
    func stringsAreQuotedAsJSONQuotingQuotesThem(text: String) throws {
        var writer = JSONWriter()
        writer.string(text)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == JSONQuoting.quoted(text))
        #expect(try JSONDecoder().decode(String.self, from: Data(writer.bytes)) == text)
    }

    @Test func numbersAndStructureParseBack() throws {
        var writer = JSONWriter()
        writer.raw("{")
        writer.key("n")
        writer.int(-42)
        writer.comma()
        writer.key("d")
        writer.double(0.2)
        writer.comma()
        writer.key("inf")
        writer.double(.infinity)
        writer.comma()
        writer.key("b")
        writer.bool(false)
        writer.comma()
        writer.key("s")
        writer.string(nil as String?)
        writer.raw("}")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
        #expect(object["n"] as? Int == -42)
        #expect(object["d"] as? Double == 0.2)
        #expect(object["inf"] is NSNull)
        #expect(object["b"] as? Bool == false)
        #expect(object["s"] is NSNull)
    }

    @Test(arguments: [(7, 2, "07"), (2026, 4, "2026"), (0, 3, "000"), (12345, 2, "12345"), (5, 0, "5")])
    func digitsArePaddedToTheirWidth(value: Int, width: Int, expected: String) {
        var writer = JSONWriter()
        writer.digits(value, width: width)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
    }

    @Test(arguments: [0, 7, -1, 10, -42, 1_234_567_890_123, Int64.max, Int64.min, Int64.min + 1])
    func wholeNumbersAreWrittenAsSwiftPrintsThem(value: Int64) {
        var writer = JSONWriter()
        writer.int(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
    }

    @Test func anUnsignedNumberPastInt64IsWrittenWhole() {
        var writer = JSONWriter()
        writer.int(UInt64.max)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "18446744073709551615")
    }
}
