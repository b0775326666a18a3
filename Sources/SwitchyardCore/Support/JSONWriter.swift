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

    /// Appends a quoted string. A native string's bytes are scanned and copied in place; a string that holds a byte
    /// which may need an escape takes the escaping path.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        let plain = text.withUTF8 { utf8 -> Bool in
            for byte in utf8 where JSONQuoting.mayNeedEscape(byte) { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if !plain {
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

    /// Appends a whole number, digit by digit (no string made).
    public mutating func int(_ value: some BinaryInteger) {
        guard let value = Int64(exactly: value) else { return raw(String(value)) }
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            // The magnitude of Int64.min does not fit an Int; it is written as text.
            guard value != .min else { return raw("9223372036854775808") }
        }
        digits(Int(value.magnitude), width: 1)
    }

    /// Appends a non-negative whole number in decimal, zero-padded on the left to `width` digits.
    public mutating func digits(_ value: Int, width: Int) {
        // Room for every digit of Int.max (19).
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
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
