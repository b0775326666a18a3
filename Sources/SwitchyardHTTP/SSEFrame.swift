import NIOCore

/// One named Server-Sent Event with a JSON body: `event: NAME`, `data: JSON`, and the blank line that ends it.
public enum SSEFrame {
    /// - Parameters:
    ///   - event: The event name.
    ///   - value: Encoded as JSON on one `data:` line.
    /// - Returns: The frame's bytes.
    public static func named(_ event: String, _ value: some Encodable) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: "event: \(event)\ndata: ")
        var json = try JSONCoding.encode(value)
        buffer.writeBuffer(&json)
        buffer.writeString("\n\n")
        return buffer
    }
}
