/// A strict pull reader for JSON text (RFC 8259) in UTF-8, for the hot paths that know the shape they expect: it
/// walks the bytes once, decodes only the strings and numbers that are asked for, and validates everything it skips.
///
/// It is a fast path, not the authority on errors: a caller that meets anything it does not expect (a wrong type, a
/// document it would have to explain) throws ``Malformed`` and falls back to `JSONDecoder`, which writes the message
/// a person reads. So the reader may refuse more than `JSONDecoder` does (nesting deeper than 64, a number form a
/// caller does not take), but it never accepts what is not JSON.
///
/// Usage: `try JSONReader.read(bytes) { reader in try reader.readObject { reader, key in … } }`. Every member
/// closure must consume exactly one value (read it or ``skipValue()``).
public struct JSONReader {
    /// The text is not JSON, or not of the shape the caller asked for.
    public struct Malformed: Error, Sendable, Equatable {
        /// The byte offset where reading stopped.
        public var offset: Int

        /// - Parameter offset: The byte offset where reading stopped.
        public init(offset: Int) {
            self.offset = offset
        }
    }

    private let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    public private(set) var offset = 0
    private var depth = 0
    /// Deeper documents are refused (the fallback decoder then judges them).
    static let maximumDepth = 64

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Reads one document: `body` reads its value, and nothing but white space may follow it.
    /// - Parameters:
    ///   - bytes: The UTF-8 text.
    ///   - body: Reads the top-level value.
    /// - Returns: What `body` returned.
    /// - Throws: ``Malformed``, or what `body` throws.
    public static func read<T>(_ bytes: UnsafeRawBufferPointer, _ body: (inout JSONReader) throws -> T) throws -> T {
        var reader = JSONReader(bytes)
        let value = try body(&reader)
        reader.skipSpace()
        guard reader.offset == bytes.count else { throw reader.malformed() }
        return value
    }

    /// Reads one document from a string's UTF-8.
    public static func read<T>(_ text: String, _ body: (inout JSONReader) throws -> T) throws -> T {
        var text = text
        return try text.withUTF8 { try read(UnsafeRawBufferPointer($0), body) }
    }

    // MARK: Structure

    /// Reads an object, calling `member` with each key; `member` must consume the key's value.
    public mutating func readObject(_ member: (inout JSONReader, String) throws -> Void) throws {
        try open(UInt8(ascii: "{"))
        defer { depth -= 1 }
        skipSpace()
        if take(UInt8(ascii: "}")) { return }
        while true {
            skipSpace()
            let key = try readString()
            skipSpace()
            guard take(UInt8(ascii: ":")) else { throw malformed() }
            try member(&self, key)
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            if take(UInt8(ascii: "}")) { return }
            throw malformed()
        }
    }

    /// Reads an object of which one member matters, skipping the others.
    /// - Parameters:
    ///   - name: The member's key.
    ///   - read: Reads its value.
    /// - Returns: What `read` returned, or nil when the object has no such member.
    public mutating func readMember<T>(_ name: String, _ read: (inout JSONReader) throws -> T) throws -> T? {
        var value: T?
        try readObject { reader, key in
            if key == name { value = try read(&reader) } else { try reader.skipValue() }
        }
        return value
    }

    /// Reads an array, calling `element` for each element; `element` must consume it.
    public mutating func readArray(_ element: (inout JSONReader) throws -> Void) throws {
        try open(UInt8(ascii: "["))
        defer { depth -= 1 }
        skipSpace()
        if take(UInt8(ascii: "]")) { return }
        while true {
            try element(&self)
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            if take(UInt8(ascii: "]")) { return }
            throw malformed()
        }
    }

    /// Consumes `null` if it comes next.
    /// - Returns: Whether it did.
    public mutating func readNull() -> Bool {
        skipSpace()
        return takeLiteral("null")
    }

    /// The kind of the next value, without consuming it.
    public mutating func peekKind() throws -> Kind {
        skipSpace()
        guard offset < bytes.count else { throw malformed() }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw malformed()
        }
    }

    /// The kinds of JSON values.
    public enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    // MARK: Scalars

    /// Reads a string.
    public mutating func readString() throws -> String {
        skipSpace()
        guard take(UInt8(ascii: "\"")) else { throw malformed() }
        let start = offset
        var ascii = true
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
                // ASCII is valid UTF-8 as it stands; anything else is validated.
                let text = ascii ? String(decoding: content, as: UTF8.self) : String(validating: content, as: UTF8.self)
                guard let text else { throw malformed() }
                offset += 1
                return text
            }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\\") { return try readEscapedString(from: start) }
            if byte < 0x20 { throw malformed() }
            offset += 1
        }
        throw malformed()
    }

    /// Reads a string or `null`.
    public mutating func readOptionalString() throws -> String? {
        readNull() ? nil : try readString()
    }

    /// Reads a whole number written without a fraction or an exponent, within `Int`'s range.
    public mutating func readInt() throws -> Int {
        let (range, integral) = try scanNumber()
        guard integral else { throw malformed() }
        var value = 0
        var index = range.lowerBound
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        while index < range.upperBound {
            let digit = Int(bytes[index] &- UInt8(ascii: "0"))
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowA, !overflowB else { throw malformed() }
            value = next
            index += 1
        }
        return value
    }

    /// Reads a whole number or `null`.
    public mutating func readOptionalInt() throws -> Int? {
        readNull() ? nil : try readInt()
    }

    /// Reads a number.
    public mutating func readDouble() throws -> Double {
        let (range, _) = try scanNumber()
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw malformed() }
        return value
    }

    /// Reads a number or `null`.
    public mutating func readOptionalDouble() throws -> Double? {
        readNull() ? nil : try readDouble()
    }

    /// Reads `true` or `false`.
    public mutating func readBool() throws -> Bool {
        skipSpace()
        if takeLiteral("true") { return true }
        if takeLiteral("false") { return false }
        throw malformed()
    }

    /// Reads a boolean or `null`.
    public mutating func readOptionalBool() throws -> Bool? {
        readNull() ? nil : try readBool()
    }

    /// Consumes the next value, whatever it is, checking that it is well-formed.
    public mutating func skipValue() throws {
        switch try peekKind() {
        case .object: try readObject { reader, _ in try reader.skipValue() }
        case .array: try readArray { reader in try reader.skipValue() }
        case .string: try skipString()
        case .number: _ = try scanNumber()
        case .bool: _ = try readBool()
        case .null: _ = readNull()
        }
    }

    // MARK: Internals

    private func malformed() -> Malformed {
        Malformed(offset: offset)
    }

    private mutating func skipSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard offset < bytes.count, bytes[offset] == byte else { return false }
        offset += 1
        return true
    }

    private mutating func takeLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        let base = literal.utf8Start
        for index in 0..<count where bytes[offset + index] != base[index] { return false }
        offset += count
        return true
    }

    private mutating func open(_ byte: UInt8) throws {
        skipSpace()
        guard depth < Self.maximumDepth, take(byte) else { throw malformed() }
        depth += 1
    }

    /// Scans a number by the grammar `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    /// - Returns: Its bytes and whether it has neither a fraction nor an exponent.
    private mutating func scanNumber() throws -> (Range<Int>, Bool) {
        skipSpace()
        let start = offset
        _ = take(UInt8(ascii: "-"))
        guard offset < bytes.count else { throw malformed() }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
        } else if isDigit(bytes[offset]) {
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        } else {
            throw malformed()
        }
        var integral = true
        if take(UInt8(ascii: ".")) {
            integral = false
            try digits()
        }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            integral = false
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            try digits()
        }
        return (start..<offset, integral)
    }

    private mutating func digits() throws {
        guard offset < bytes.count, isDigit(bytes[offset]) else { throw malformed() }
        while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipString() throws {
        guard take(UInt8(ascii: "\"")) else { throw malformed() }
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return
            }
            if byte < 0x20 { throw malformed() }
            if byte == UInt8(ascii: "\\") {
                offset += 1
                guard offset < bytes.count else { throw malformed() }
                if bytes[offset] == UInt8(ascii: "u") {
                    offset += 1
                    _ = try hex4()
                    continue
                }
                guard Self.simpleEscape(bytes[offset]) != nil else { throw malformed() }
            }
            offset += 1
        }
        throw malformed()
    }

    /// Finishes a string that has escapes, from its first content byte.
    private mutating func readEscapedString(from start: Int) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(offset - start + 16)
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]))
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw malformed() }
                return text
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { throw malformed() }
                let escape = bytes[offset]
                offset += 1
                if let simple = Self.simpleEscape(escape) {
                    out.append(simple)
                } else if escape == UInt8(ascii: "u") {
                    try appendUnicodeEscape(to: &out)
                } else {
                    throw malformed()
                }
            case 0..<0x20:
                throw malformed()
            default:
                out.append(byte)
            }
        }
        throw malformed()
    }

    private static func simpleEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case UInt8(ascii: "/"): UInt8(ascii: "/")
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\uXXXX` low surrogate that must follow it.
    private mutating func appendUnicodeEscape(to out: inout [UInt8]) throws {
        var value = try hex4()
        if (0xD800...0xDBFF).contains(value) {
            guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")) else { throw malformed() }
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw malformed() }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(value) {
            throw malformed()
        }
        guard let scalar = Unicode.Scalar(value) else { throw malformed() }
        out.append(contentsOf: UTF8.encode(scalar)!)
    }

    private mutating func hex4() throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw malformed() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed()
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }
}
