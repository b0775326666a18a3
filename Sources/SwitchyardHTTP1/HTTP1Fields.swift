/// Reading the lines of an HTTP/1.1 head: field lines split and checked, names compared without copies, numbers and
/// token lists read in place.
public enum HTTP1Fields {
    /// Splits `name: value` into the name's and the value's bytes, the value without the spaces around it.
    /// - Throws: ``HTTP1Malformed`` for a folded line (it starts with a space), a name that is not a token or has
    ///   spaces before its colon, or a value with a control character other than tab.
    public static func split(_ line: UnsafeRawBufferPointer) throws -> (name: Range<Int>, value: Range<Int>) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
            line[..<colon].allSatisfy(\.isHTTPTokenByte)
        else {
            throw HTTP1Malformed(line.first == 32 || line.first == 9 ? "a folded header line" : "a bad header line")
        }
        var start = colon + 1
        var end = line.count
        while start < end, line[start] == 32 || line[start] == 9 { start += 1 }
        while end > start, line[end - 1] == 32 || line[end - 1] == 9 { end -= 1 }
        guard line[start..<end].allSatisfy(\.isHTTPFieldValueByte) else {
            throw HTTP1Malformed("a control character in a header")
        }
        return (0..<colon, start..<end)
    }

    /// Whether `bytes` are `lowercase` in any case (`lowercase` is lowercase ASCII).
    public static func equals(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        for index in 0..<bytes.count where bytes[index] | 0x20 != expected[index] | 0x20 {
            return false
        }
        return true
    }

    /// The bytes as a decimal number: digits only, at most 18 of them.
    public static func decimal(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// The items of a comma-separated list, without the spaces around them (empty items are left out).
    public static func items(_ bytes: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
        var items: [UnsafeRawBufferPointer] = []
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ",") {
            var low = start
            var high = index
            while low < high, bytes[low] == 32 || bytes[low] == 9 { low += 1 }
            while high > low, bytes[high - 1] == 32 || bytes[high - 1] == 9 { high -= 1 }
            if high > low { items.append(UnsafeRawBufferPointer(rebasing: bytes[low..<high])) }
            start = index + 1
        }
        return items
    }

    /// The bytes as a string (a field value's bytes are checked: no control characters).
    public static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension UInt8 {
    /// A `tchar` of RFC 9110: what a field name and a method are made of.
    public var isHTTPTokenByte: Bool {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
            UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// A byte a field value may hold: anything but the control characters other than tab (RFC 9110 §5.5).
    public var isHTTPFieldValueByte: Bool {
        (self >= 0x20 && self != 0x7F) || self == 0x09
    }
}

/// What a request's head and an answer's head read the same way: the field lines split and checked, the length, and
/// the `connection` options.
public struct HTTP1HeadFields {
    /// The `content-length`.
    public private(set) var length: Int?
    /// `connection: close`.
    public private(set) var close = false
    /// `connection: keep-alive` (what keeps an HTTP/1.0 connection).
    public private(set) var keepAliveAsked = false

    public init() {}

    /// Reads the field lines of a head, calling `field` with each one's name and value.
    /// - Throws: ``HTTP1Malformed`` for a bad line (``HTTP1Fields/split(_:)``), a length that is not a number, two
    ///   different lengths; or what `field` throws.
    public mutating func read(
        _ lines: ArraySlice<Range<Int>>, in bytes: UnsafeRawBufferPointer,
        _ field: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        for line in lines {
            let line = UnsafeRawBufferPointer(rebasing: bytes[line])
            let (nameRange, valueRange) = try HTTP1Fields.split(line)
            let name = UnsafeRawBufferPointer(rebasing: line[nameRange])
            let value = UnsafeRawBufferPointer(rebasing: line[valueRange])
            if HTTP1Fields.equals(name, "content-length") {
                guard let given = HTTP1Fields.decimal(value) else {
                    throw HTTP1Malformed("a content-length that is not a number")
                }
                guard length == nil || length == given else { throw HTTP1Malformed("two different content-lengths") }
                length = given
            } else if HTTP1Fields.equals(name, "connection") {
                for token in HTTP1Fields.items(value) {
                    if HTTP1Fields.equals(token, "close") { close = true }
                    if HTTP1Fields.equals(token, "keep-alive") { keepAliveAsked = true }
                }
            }
            try field(name, value)
        }
    }
}
