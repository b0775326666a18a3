import Foundation

/// A UUID as the JSON API writes it: lowercase, the RFC 9562 output form that PostgreSQL, the OpenAI ids and most
/// clients print (Foundation's own `Codable` writes uppercase). It reads either case.
public struct LowercaseUUID: Codable, Hashable, Sendable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID) {
        self.uuid = uuid
    }

    public var description: String { uuid.lowercased }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let uuid = UUID(uuidString: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UUID")
        }
        self.uuid = uuid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(uuid.lowercased)
    }
}

extension UUID {
    /// The lowercase form, for messages and JSON.
    public var lowercased: String { uuidString.lowercased() }
}
