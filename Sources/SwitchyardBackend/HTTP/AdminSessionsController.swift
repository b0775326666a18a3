import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `GET /admin/v1/sessions/{id}`: a session's turns, each user message with the reply and the gateway attempts that
/// produced it (provider, model, region, outcome, status, latency, time to first token, tokens, cost), deleted
/// sessions included.
struct AdminSessionsController<Context: RequestContext>: Sendable {
    let chats: any ChatRepository

    func register(on router: RouteRegistrar<some RouterMethods<Context>>) {
        router.get("/admin/v1/sessions/{id}", use: session)
    }

    @Sendable func session(_ request: Request, context: Context) async throws -> Response {
        let raw = try context.parameters.require("id")
        guard let id = UUID(uuidString: raw), let session = try await chats.session(id: id) else {
            throw APIError.notFound("No session \(raw.lowercased()).")
        }
        let limit = min(max(Int(request.uri.queryParameters.get("limit") ?? "") ?? 100, 1), 250)
        let turns = try await Self.turns(sessionID: id, limit: limit, chats: chats).map {
            AdminTurnDTO(message: $0.message.map(MessageDTO.init), reply: MessageDTO($0.reply), attempts: $0.attempts)
        }
        return try JSONCoding.response(AdminSessionDTO(session, turns: turns))
    }
}

extension AdminSessionsController {
    /// One turn of a transcript: the user's message (absent only if it was never stored), the reply, and the
    /// reply's gateway attempts.
    struct Turn: Sendable {
        var message: StoredMessage?
        var reply: StoredMessage
        var attempts: [AttemptRecord]
    }

    /// A session's last `limit` turns, oldest first, each with its call record.
    static func turns(sessionID: UUID, limit: Int, chats: any ChatRepository) async throws -> [Turn] {
        let messages = try await chats.recentMessages(sessionID: sessionID, limit: 2 * limit)
        let attempts = try await chats.attempts(messageIDs: messages.filter { $0.role == .assistant }.map(\.id))
        var turns: [Turn] = []
        var pending: StoredMessage?
        for message in messages {
            if message.role == .user {
                pending = message
            } else {
                turns.append(Turn(message: pending, reply: message, attempts: attempts[message.id] ?? []))
                pending = nil
            }
        }
        return turns
    }
}

/// A session as operators see it.
struct AdminSessionDTO: Encodable, Sendable {
    var id: LowercaseUUID
    var userID: LowercaseUUID
    var botID: LowercaseUUID
    var configID: LowercaseUUID
    var paid: Bool
    var createdAt: Date
    var endedAt: Date?
    var deletedAt: Date?
    var turns: [AdminTurnDTO]

    init(_ session: ChatSession, turns: [AdminTurnDTO]) {
        id = LowercaseUUID(session.id)
        userID = LowercaseUUID(session.userID)
        botID = LowercaseUUID(session.botID)
        configID = LowercaseUUID(session.configID)
        paid = session.pricing != nil
        createdAt = session.createdAt
        endedAt = session.endedAt
        deletedAt = session.deletedAt
        self.turns = turns
    }

    enum CodingKeys: String, CodingKey {
        case id, paid, turns
        case userID = "user_id"
        case botID = "bot_id"
        case configID = "config_id"
        case createdAt = "created_at"
        case endedAt = "ended_at"
        case deletedAt = "deleted_at"
    }
}

/// One turn: the user's message (absent only if it was never stored), the reply, and the reply's call record.
struct AdminTurnDTO: Encodable, Sendable {
    var message: MessageDTO?
    var reply: MessageDTO
    var attempts: [AttemptRecord]
}
