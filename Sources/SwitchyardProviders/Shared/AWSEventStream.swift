/// One message of the `application/vnd.amazon.eventstream` framing.
public struct EventStreamMessage: Sendable, Equatable {
    public enum HeaderValue: Sendable, Equatable {
        case bool(Bool)
        case int(Int64)
        case bytes([UInt8])
        case string(String)
        case timestamp(Int64)
        case uuid([UInt8])
    }

    public var headers: [String: HeaderValue]
    public var payload: [UInt8]

    /// A string header's value.
    public func string(_ name: String) -> String? {
        if case .string(let value)? = headers[name] { return value }
        return nil
    }
}

/// Why a frame was refused.
public struct EventStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    /// - Parameter description: What is wrong with the frame.
    public init(description: String) {
        self.description = description
    }
}

/// An incremental decoder of AWS event-stream frames (shared/providers.md §4), with both CRC checks. Frames may be
/// split anywhere across reads.
///
///     [total_len u32][headers_len u32][prelude_crc u32][headers][payload][message_crc u32]
public struct AWSEventStreamDecoder: Sendable {
    /// Frames larger than this are refused as corrupt (AWS caps them at 16 MiB).
    public static let maximumFrameBytes = 16 * 1024 * 1024
    private var buffer: [UInt8] = []

    public init() {}

    /// - Parameter bytes: The next bytes of the body.
    /// - Returns: The complete messages.
    /// - Throws: ``EventStreamError`` on a CRC mismatch or an impossible length.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [EventStreamMessage] {
        buffer.append(contentsOf: bytes)
        var messages: [EventStreamMessage] = []
        while buffer.count >= 12 {
            let total = Int(Self.uint32(buffer, at: 0))
            let headersLength = Int(Self.uint32(buffer, at: 4))
            guard CRC32.checksum(buffer[0..<8]) == Self.uint32(buffer, at: 8) else {
                throw EventStreamError(description: "prelude CRC mismatch")
            }
            guard total >= 16 + headersLength, total <= Self.maximumFrameBytes else {
                throw EventStreamError(description: "impossible frame length \(total)")
            }
            guard buffer.count >= total else { break }
            let frame = Array(buffer[0..<total])
            buffer.removeFirst(total)
            guard CRC32.checksum(frame[0..<(total - 4)]) == Self.uint32(frame, at: total - 4) else {
                throw EventStreamError(description: "message CRC mismatch")
            }
            let headers = try Self.headers(Array(frame[12..<(12 + headersLength)]))
            messages.append(
                EventStreamMessage(headers: headers, payload: Array(frame[(12 + headersLength)..<(total - 4)])))
        }
        return messages
    }

    /// Whether bytes of an unfinished frame remain.
    public var hasPartialFrame: Bool { !buffer.isEmpty }

    static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    private static func headers(_ bytes: [UInt8]) throws -> [String: EventStreamMessage.HeaderValue] {
        var headers: [String: EventStreamMessage.HeaderValue] = [:]
        var index = 0
        func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard index + count <= bytes.count else { throw EventStreamError(description: "truncated header") }
            defer { index += count }
            return bytes[index..<(index + count)]
        }
        func integer(_ count: Int) throws -> Int64 {
            try take(count).reduce(Int64(0)) { $0 << 8 | Int64($1) }
        }
        while index < bytes.count {
            let nameLength = Int(try take(1).first!)
            let name = String(decoding: try take(nameLength), as: UTF8.self)
            let type = try take(1).first!
            switch type {
            case 0: headers[name] = .bool(true)
            case 1: headers[name] = .bool(false)
            case 2: headers[name] = .int(Int64(Int8(truncatingIfNeeded: try integer(1))))
            case 3: headers[name] = .int(Int64(Int16(truncatingIfNeeded: try integer(2))))
            case 4: headers[name] = .int(Int64(Int32(truncatingIfNeeded: try integer(4))))
            case 5: headers[name] = .int(try integer(8))
            case 6: headers[name] = .bytes(Array(try take(Int(try integer(2)))))
            case 7: headers[name] = .string(String(decoding: try take(Int(try integer(2))), as: UTF8.self))
            case 8: headers[name] = .timestamp(try integer(8))
            case 9: headers[name] = .uuid(Array(try take(16)))
            default: throw EventStreamError(description: "unknown header type \(type)")
            }
        }
        return headers
    }
}

/// CRC-32/IEEE (the zlib polynomial), table-driven.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
