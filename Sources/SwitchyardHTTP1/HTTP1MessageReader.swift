import NIOCore

/// How a message's body is delimited, as its head says (RFC 9112 §6).
public enum HTTP1Framing: Sendable {
    /// No body.
    case none
    /// `content-length` bytes.
    case length(Int)
    /// `transfer-encoding: chunked`.
    case chunked
    /// The body lasts until the connection closes (an answer without a length).
    case untilClose
}

/// The bytes are not an HTTP/1.1 message, or not one that can be read only one way.
public struct HTTP1Malformed: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "not valid HTTP/1.1 (\(reason))" }
}

/// Reads the head of a message for an ``HTTP1MessageReader``: a request or an answer.
public protocol HTTP1HeadReading {
    associatedtype Head
    /// Reads a head from its lines, the start line first.
    /// - Parameters:
    ///   - lines: Each line's bytes in `bytes`, without its line end.
    ///   - bytes: The head's bytes.
    /// - Returns: The head and how its body is framed; nil for a head that is skipped (an interim answer).
    /// - Throws: ``HTTP1Malformed``.
    static func head(lines: [Range<Int>], in bytes: UnsafeRawBufferPointer) throws -> (Head, HTTP1Framing)?
}

/// Reads HTTP/1.1 messages from a connection's bytes, as they arrive: each head, its body in parts (of a length,
/// chunked, or up to the close) and its end, one message after another. Body parts are slices of the bytes read, not
/// copies. Heads over ``maximumHeadBytes`` and chunk lines over ``maximumLineBytes`` are refused.
///
/// Its reading is inlinable, so that each reader is specialized for its head where it is used (no generic metadata
/// looked up per message).
public struct HTTP1MessageReader<Reading: HTTP1HeadReading> {
    public enum Event {
        case head(Reading.Head)
        case body(ByteBuffer)
        case end
    }

    @usableFromInline
    enum State {
        case head
        /// Bytes of the body still to come.
        case length(Int)
        case chunkSize
        /// Bytes of the chunk still to come.
        case chunkData(Int)
        /// The line end after a chunk's bytes.
        case chunkEnd
        case trailers
        case untilClose
    }

    public static var maximumHeadBytes: Int { 64 * 1024 }
    public static var maximumLineBytes: Int { 4 * 1024 }

    @usableFromInline var state = State.head
    /// Bytes of a head or line that has not arrived whole.
    @usableFromInline var pending: ByteBuffer?

    @inlinable
    public init() {}

    /// Reads `bytes`, appending the events they complete to `events`, in order.
    /// - Throws: ``HTTP1Malformed``, after the events of the messages before the bad bytes; nothing more can be read.
    @inlinable
    public mutating func feed(_ bytes: ByteBuffer, into events: inout [Event]) throws {
        var input: ByteBuffer
        if var pending {
            self.pending = nil
            var bytes = bytes
            pending.writeBuffer(&bytes)
            input = pending
        } else {
            input = bytes
        }
        while input.readableBytes > 0 {
            switch state {
            case .head:
                guard let (head, framing) = try readHead(&input) else {
                    pending = input
                    return
                }
                guard let head else { continue }
                events.append(.head(head))
                switch framing {
                case .none, .length(0): events.append(.end)
                case .length(let length): state = .length(length)
                case .chunked: state = .chunkSize
                case .untilClose: state = .untilClose
                }
            case .length(let left):
                let count = min(left, input.readableBytes)
                events.append(.body(input.readSlice(length: count)!))
                if count == left {
                    state = .head
                    events.append(.end)
                } else {
                    state = .length(left - count)
                }
            case .chunkSize:
                guard let line = input.readHTTP1Line() else {
                    try keep(input, limit: Self.maximumLineBytes, "a chunk size line too long")
                    return
                }
                let size = try HTTP1Lines.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(size)
            case .chunkData(let left):
                let count = min(left, input.readableBytes)
                events.append(.body(input.readSlice(length: count)!))
                state = count == left ? .chunkEnd : .chunkData(left - count)
            case .chunkEnd:
                guard let line = input.readHTTP1Line() else {
                    try keep(input, limit: 2, "a chunk longer than its size")
                    return
                }
                guard line.readableBytes == 0 else { throw HTTP1Malformed("a chunk longer than its size") }
                state = .chunkSize
            case .trailers:
                // Trailer fields are read past: nothing here uses them.
                guard let line = input.readHTTP1Line() else {
                    try keep(input, limit: Self.maximumLineBytes, "a trailer line too long")
                    return
                }
                if line.readableBytes == 0 {
                    state = .head
                    events.append(.end)
                }
            case .untilClose:
                events.append(.body(input))
                return
            }
        }
    }

    /// The connection's input closed: ends a body that lasts until the close.
    /// - Returns: Whether that ended a message; otherwise a message under way, if any, was cut.
    @inlinable
    public mutating func inputClosed() -> Bool {
        guard case .untilClose = state else { return false }
        state = .head
        return true
    }

    /// Keeps the start of a line that has not arrived whole, up to `limit` bytes.
    @usableFromInline
    mutating func keep(_ input: ByteBuffer, limit: Int, _ reason: String) throws {
        guard input.readableBytes <= limit else { throw HTTP1Malformed(reason) }
        pending = input
    }

    /// Reads a whole head off `input`: nil (and `input` left alone) when it has not arrived whole, a nil head for one
    /// that is skipped.
    @inlinable
    func readHead(_ input: inout ByteBuffer) throws -> (Reading.Head?, HTTP1Framing)? {
        let parsed = try input.withUnsafeReadableBytes { bytes -> (Reading.Head?, HTTP1Framing, Int)? in
            guard let (lines, end) = HTTP1Lines.head(bytes) else {
                guard bytes.count <= Self.maximumHeadBytes else {
                    throw HTTP1Malformed("a head over \(Self.maximumHeadBytes) bytes")
                }
                return nil
            }
            guard end <= Self.maximumHeadBytes else {
                throw HTTP1Malformed("a head over \(Self.maximumHeadBytes) bytes")
            }
            guard let (head, framing) = try Reading.head(lines: lines, in: bytes) else { return (nil, .none, end) }
            return (head, framing, end)
        }
        guard let (head, framing, end) = parsed else { return nil }
        input.moveReaderIndex(forwardBy: end)
        return (head, framing)
    }

}

/// The lines of a message: its head's, and the size lines of its chunks.
public enum HTTP1Lines {
    /// The head's lines (without their line ends) and the index after its blank line, if it has arrived whole. Blank
    /// lines before the start line are skipped (RFC 9112 §2.2).
    public static func head(_ bytes: UnsafeRawBufferPointer) -> ([Range<Int>], Int)? {
        var lines: [Range<Int>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                var end = index
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                if end == start, !lines.isEmpty { return (lines, index + 1) }
                if end > start { lines.append(start..<end) }
                start = index + 1
            }
            index += 1
        }
        return nil
    }

    /// A chunk's size line: hexadecimal digits, then extensions (read past).
    public static func chunkSize(_ line: ByteBuffer) throws -> Int {
        var size = 0
        var digits = 0
        for byte in line.readableBytesView {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                guard digits > 0 else { throw HTTP1Malformed("a chunk size that is not a number") }
                return size
            default: throw HTTP1Malformed("a chunk size that is not a number")
            }
            guard digits < 15 else { throw HTTP1Malformed("a chunk size too large") }
            size = size * 16 + value
            digits += 1
        }
        guard digits > 0 else { throw HTTP1Malformed("a chunk size that is not a number") }
        return size
    }
}

extension ByteBuffer {
    /// A line off the buffer without its line end, or nil (and the buffer left alone) when it has not arrived whole.
    public mutating func readHTTP1Line() -> ByteBuffer? {
        guard let newline = readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var line = readSlice(length: newline - readerIndex + 1)!
        line.moveWriterIndex(to: line.writerIndex - 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        return line
    }
}
