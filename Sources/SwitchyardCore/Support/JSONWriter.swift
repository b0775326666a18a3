/// Writes JSON text into a byte array, for the hot paths whose shapes are fixed (an answer, a stream chunk, an
/// upstream request): no `Encodable` machinery, no intermediate strings. Strings are quoted by ``JSONQuoting``'s
/// rules. The caller writes the structure (`{`, `,`, keys) in order; ``key(_:)`` and ``comma()`` help.
public struct JSONWriter: Sendable {
    /// The text written so far.
    public private(set) var bytes: [UInt8] = []

    /// - Parameter capacity: Bytes to reserve.
    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends text that is already JSON (or punctuation).
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends text that is already JSON (a number written elsewhere, say).
    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends `"name":`; the name must need no escape.
    public mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a quoted string.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        if !text.utf8.contains(where: JSONQuoting.mayNeedEscape) {
            bytes.append(contentsOf: text.utf8)
        } else {
            for scalar in text.unicodeScalars {
                if let escape = JSONQuoting.escape(scalar) {
                    bytes.append(contentsOf: escape.utf8)
                } else {
                    bytes.append(contentsOf: UTF8.encode(scalar)!)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a quoted string, or `null`.
    public mutating func string(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    /// Appends a whole number.
    public mutating func int(_ value: some BinaryInteger) {
        raw(String(value))
    }

    /// Appends a non-negative whole number in decimal, zero-padded on the left to `width` digits.
    public mutating func digits(_ value: Int, width: Int) {
        var scratch: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { buffer in
            var rest = max(0, value)
            var count = 0
            repeat {
                buffer[buffer.count - 1 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while (rest > 0 || count < width) && count < buffer.count
            bytes.append(contentsOf: buffer[(buffer.count - count)...])
        }
    }

    /// Appends a number (`null` for a value JSON cannot hold).
    public mutating func double(_ value: Double) {
        if value.isFinite { raw(value.description) } else { raw("null") }
    }

    /// Appends `true` or `false`.
    public mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// Appends a comma.
    public mutating func comma() {
        bytes.append(UInt8(ascii: ","))
    }
}
