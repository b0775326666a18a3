import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// The user API: `GET /v1/bots`, `POST /v1/bots/{slug}/chat` (plain or streamed), `GET /v1/sessions/{id}/messages`,
/// `GET`/`PATCH /v1/me`.
struct UserController<Context: UserAuthenticatedContext>: Sendable {
    let bots: any BotRepository
    let users: any UserRepository
    let chats: any ChatRepository
    let chat: ChatService
    let limit: Int

    func register(on group: RouteRegistrar<RouterGroup<Context>>) {
        group.get("/v1/bots") { _, _ in try JSONCoding.response(try await bots.bots(status: .launched).map(BotDTO.init))
        }
        group.post("/v1/bots/{slug}/chat", use: turn)
        group.get("/v1/sessions/{id}/messages", use: messages)
        group.get("/v1/me") { _, context in try JSONCoding.response(UserDTO(try Self.user(context))) }
        group.patch("/v1/me", use: updateProfile)
    }

    static func user(_ context: Context) throws -> User {
        guard let user = context.user else { throw APIError.unauthorized("Send a user token.") }
        return user
    }

    @Sendable func turn(_ request: Request, context: Context) async throws -> Response {
        let user = try Self.user(context)
        let input = try await JSONCoding.decode(ChatInput.self, from: request, limit: limit)
        if let key = input.idempotencyKey, key.isEmpty || key.count > 200 {
            throw APIError.invalidRequest("`idempotency_key` must be 1 to 200 characters.", param: "idempotency_key")
        }
        let turn = ChatTurnRequest(
            sessionID: input.sessionID, message: input.message, idempotencyKey: input.idempotencyKey)
        let slug = try context.parameters.require("slug")
        do {
            if input.stream == true {
                return ChatStreamResponse.response(try await chat.openStream(turn, user: user, slug: slug), chat: chat)
            }
            return try JSONCoding.response(ChatOutput(try await chat.chat(turn, user: user, slug: slug)))
        } catch let failure as ChatFailure {
            throw APIError.from(failure)
        }
    }

    /// Only the caller's own sessions: anyone else's answer 404, as if they did not exist.
    @Sendable func messages(_ request: Request, context: Context) async throws -> Response {
        let user = try Self.user(context)
        let raw = try context.parameters.require("id")
        guard let id = UUID(uuidString: raw), let session = try await chats.session(id: id), session.userID == user.id
        else { throw APIError.notFound("No session \(raw).") }
        let limit = min(max(Int(request.uri.queryParameters.get("limit") ?? "") ?? 100, 1), 500)
        return try JSONCoding.response(
            try await chats.recentMessages(sessionID: session.id, limit: limit).map(MessageDTO.init))
    }

    @Sendable func updateProfile(_ request: Request, context: Context) async throws -> Response {
        var user = try Self.user(context)
        let input = try await JSONCoding.decode(UserDTO.self, from: request, limit: limit)
        if let zone = input.timeZone, TimeZone(identifier: zone) == nil {
            throw APIError.invalidRequest("`time_zone` '\(zone)' is not an IANA time zone.", param: "time_zone")
        }
        if let age = input.age, !(1...150).contains(age) {
            throw APIError.invalidRequest("`age` must be between 1 and 150.", param: "age")
        }
        if let date = input.birthDate, date.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil {
            throw APIError.invalidRequest("`birth_date` must be YYYY-MM-DD.", param: "birth_date")
        }
        if let time = input.birthTime, time.range(of: #"^\d{2}:\d{2}$"#, options: .regularExpression) == nil {
            throw APIError.invalidRequest("`birth_time` must be HH:MM.", param: "birth_time")
        }
        if let value = input.name { user.name = value }
        if let value = input.age { user.age = value }
        if let value = input.gender { user.gender = value }
        if let value = input.timeZone { user.timeZone = value }
        if let value = input.language { user.language = value }
        if let value = input.birthDate { user.birthDate = value }
        if let value = input.birthTime { user.birthTime = value }
        if let value = input.birthPlace { user.birthPlace = value }
        try await users.updateUser(user)
        return try JSONCoding.response(UserDTO(user))
    }
}
