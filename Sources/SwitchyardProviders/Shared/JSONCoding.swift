import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Encoding and decoding helpers for adapters' private wire types.
enum WireJSON {
    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encodeAsByteBuffer(value, allocator: ByteBufferAllocator())
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try JSONDecoder().decode(type, from: buffer)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

extension JSONValue {
    static func parse(_ buffer: ByteBuffer) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: buffer)
    }
}
