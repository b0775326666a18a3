import Foundation
import SwitchyardCore
import Testing

/// The one-pass reader must never take what is not JSON, and must read back what JSON says: strings with every kind
/// of escape, numbers by the grammar, nesting; it judges against `JSONSerialization` on the same text.
@Suite struct JSONReaderTests {
    /// Reads any document into Foundation's shapes, to compare with `JSONSerialization`.
    static func value(_ reader: inout JSONReader) throws -> Any {
        switch try reader.peekKind() {
        case .object:
            var object: [String: Any] = [:]
            try reader.readObject { reader, key in object[key] = try value(&reader) }
            return object
        case .array:
            var array: [Any] = []
            try reader.readArray { reader in array.append(try value(&reader)) }
            return array
        case .string: return try reader.readString()
        case .number: return try reader.readDouble()
        case .bool: return try reader.readBool()
        case .null:
            _ = reader.readNull()
            return NSNull()
        }
    }

    static func read(_ text: String) throws -> Any {
        try JSONReader.read(text) { try value(&$0) }
    }

    @Test(arguments: [
        #"{}"#, #"[]"#, #" { "a" : [ 1 , -2.5e3 , 0.125 , true , false , null ] } "#,
        #"{"s":"quote \" backslash \\ slash \/ \b\f\n\r\t"}"#, #"["\u00e9\u4e2d\ud83c\udf19 and é中🌙"]"#,
        #"{"nested":{"deep":[[[{"x":"y"}]]]}}"#, #"["", "\u0000"]"#, #"[0, -0, 1E+2, 1e-2, 123456789012]"#,
    ])
    func readsWhatJSONSerializationReads(text: String) throws {
        let ours = try Self.read(text)
        let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(NSDictionary(dictionary: ["v": ours]).isEqual(to: ["v": theirs]))
    }

    @Test(arguments: [
        "", " ", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, "[1,]", "[1 2]", "01", "1.", ".5", "-", "1e", "+1",
        "tru", "nul", "nulls", #""unterminated"#, "\"raw\ncontrol\"", #""bad \x escape""#, #""\u12""#,
        #""\ud800 lone high""#, #""\udc00 lone low""#, "[1] 2", "{\"a\":1}}", "NaN", "Infinity", "[1e999]",
    ])
    func refusesWhatIsNotJSON(text: String) {
        #expect(throws: JSONReader.Malformed.self) { try Self.read(text) }
    }

    @Test func refusesInvalidUTF8InStrings() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONReader.Malformed.self) {
            try bytes.withUnsafeBytes { buffer in try JSONReader.read(buffer) { try $0.readString() } }
        }
    }

    @Test func refusesNestingDeeperThanItsLimit() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONReader.Malformed.self) { try Self.read(deep) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try Self.read(fine)
    }

    @Test func wholeNumbersAreExactAndBounded() throws {
        #expect(try JSONReader.read("9223372036854775807") { try $0.readInt() } == Int.max)
        #expect(try JSONReader.read("-9223372036854775808") { try $0.readInt() } == Int.min)
        for text in ["9223372036854775808", "1.0", "1e2", "\"1\""] {
            #expect(throws: JSONReader.Malformed.self) { try JSONReader.read(text) { try $0.readInt() } }
        }
    }

    @Test func typedReadsRefuseOtherKindsAndTakeNullWhereOptional() throws {
        #expect(throws: JSONReader.Malformed.self) { try JSONReader.read("1") { try $0.readString() } }
        #expect(throws: JSONReader.Malformed.self) { try JSONReader.read("\"x\"") { try $0.readBool() } }
        #expect(try JSONReader.read("null") { try $0.readOptionalString() } == nil)
        #expect(try JSONReader.read(" null ") { try $0.readOptionalInt() } == nil)
        #expect(try JSONReader.read("0.25") { try $0.readOptionalDouble() } == 0.25)
        #expect(try JSONReader.read("true") { try $0.readOptionalBool() } == true)
    }

    @Test func membersMustConsumeTheirValues() {
        // A member that reads nothing leaves the value where a comma or brace is expected.
        #expect(throws: JSONReader.Malformed.self) {
            try JSONReader.read(#"{"a":1}"#) { try $0.readObject { _, _ in } }
        }
    }
}
