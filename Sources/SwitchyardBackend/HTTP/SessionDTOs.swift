import Foundation
import SwitchyardCore
import SwitchyardHTTP

/// `GET /v1/sessions?bot=`: a page of the caller's sessions.
struct SessionListDTO: Encodable, Sendable {
    var sessions: [SessionSummaryDTO]
    /// The `offset` of the next page, or null on the last one.
    var nextOffset: Int?

    enum CodingKeys: String, CodingKey {
        case sessions
        case nextOffset = "next_offset"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sessions, forKey: .sessions)
        try container.encode(nextOffset, forKey: .nextOffset)
    }
}

/// A session in a list, with its last message.
struct SessionSummaryDTO: Encodable, Sendable {
    var id: LowercaseUUID
    var botID: LowercaseUUID
    var createdAt: Date
    var endedAt: Date?
    var lastMessage: String?
    var lastMessageRole: String?
    var lastMessageAt: Date?

    init(_ summary: SessionSummary) {
        id = LowercaseUUID(summary.session.id)
        botID = LowercaseUUID(summary.session.botID)
        createdAt = summary.session.createdAt
        endedAt = summary.session.endedAt
        lastMessage = summary.lastMessage
        lastMessageRole = summary.lastMessageRole?.rawValue
        lastMessageAt = summary.lastMessageAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case botID = "bot_id"
        case createdAt = "created_at"
        case endedAt = "ended_at"
        case lastMessage = "last_message"
        case lastMessageRole = "last_message_role"
        case lastMessageAt = "last_message_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(botID, forKey: .botID)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(lastMessage, forKey: .lastMessage)
        try container.encode(lastMessageRole, forKey: .lastMessageRole)
        try container.encode(lastMessageAt, forKey: .lastMessageAt)
    }
}
