import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// The user API: `GET /v1/bots`, `POST /v1/bots/{slug}/chat` (plain or streamed), `GET /v1/sessions?bot=`,
/// `DELETE /v1/sessions/{id}`, `GET /v1/sessions/{id}/messages`, `GET`/`PATCH /v1/me`.
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
        group.get("/v1/sessions", use: sessions)
        group.delete("/v1/sessions/{id}") { _, context in
            let (user, session) = try await Self.ownSession(context, chats: chats)
            _ = try await chats.deleteSession(id: session.id, userID: user.id, at: Date())
            return Response(status: .noContent)
        }
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
            sessionID: input.sessionID, message: input.message, idempotencyKey: input.idempotencyKey,
            app: context.app, secondProfileID: input.secondProfileID)
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

    /// The caller's own live session; anyone else's, and a deleted one, answer 404, as if they did not exist.
    static func ownSession(_ context: Context, chats: any ChatRepository) async throws -> (User, ChatSession) {
        let user = try user(context)
        let raw = try context.parameters.require("id")
        guard let id = UUID(uuidString: raw), let session = try await chats.session(id: id), session.userID == user.id,
            session.deletedAt == nil
        else { throw APIError.notFound("No session \(raw).") }
        return (user, session)
    }

    /// `GET /v1/sessions?bot={slug}&limit=&offset=`: the caller's sessions with a bot, newest first.
    @Sendable func sessions(_ request: Request, context: Context) async throws -> Response {
        let user = try Self.user(context)
        let query = request.uri.queryParameters
        guard let slug = query.get("bot"), !slug.isEmpty else {
            throw APIError.invalidRequest("Name the bot: `?bot={slug}`.", param: "bot")
        }
        guard let bot = try await bots.bot(slug: slug) else { throw APIError.notFound("No bot '\(slug)'.") }
        let limit = try Self.integer(query.get("limit"), name: "limit", default: 20, in: 1...100)
        let offset = try Self.integer(query.get("offset"), name: "offset", default: 0, in: 0...1_000_000)
        let page = try await chats.sessions(userID: user.id, botID: bot.id, offset: offset, limit: limit + 1)
        return try JSONCoding.response(
            SessionListDTO(
                sessions: page.prefix(limit).map(SessionSummaryDTO.init),
                nextOffset: page.count > limit ? offset + limit : nil))
    }

    static func integer(_ raw: String?, name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let raw else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw APIError.invalidRequest(
                "`\(name)` must be a whole number from \(range.lowerBound) to \(range.upperBound).", param: name)
        }
        return number
    }

    /// Only the caller's own sessions: anyone else's answer 404, as if they did not exist.
    @Sendable func messages(_ request: Request, context: Context) async throws -> Response {
        let (_, session) = try await Self.ownSession(context, chats: chats)
        let limit = min(max(Int(request.uri.queryParameters.get("limit") ?? "") ?? 100, 1), 500)
        return try JSONCoding.response(
            try await chats.recentMessages(sessionID: session.id, limit: limit).map(MessageDTO.init))
    }

    @Sendable func updateProfile(_ request: Request, context: Context) async throws -> Response {
        var user = try Self.user(context)
        let before = user
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
        for (name, value, limit) in [
            ("name", input.name, 200), ("gender", input.gender, 100), ("birth_place", input.birthPlace, 300),
            ("language", input.language, 32), ("location", input.location, 200),
        ] {
            if let value, value.count > limit {
                throw APIError.invalidRequest("`\(name)` must be at most \(limit) characters.", param: name)
            }
        }
        if let value = input.name { user.name = value }
        if let value = input.age { user.age = value }
        if let value = input.gender { user.gender = value }
        if let value = input.timeZone { user.timeZone = value }
        if let value = input.language { user.language = value }
        if let value = input.birthDate { user.birthDate = value }
        if let value = input.birthTime { user.birthTime = value }
        if let value = input.birthPlace { user.birthPlace = value }
        if let value = input.location { user.location = value.isEmpty ? nil : value }
        if let value = input.responseLength { user.responseLength = value }
        try await users.updateUser(user)
        // New birth details or a new location: what was cached for the old ones is dropped in every layer.
        if before.birthDetails != user.birthDetails || before.location != user.location {
            try await chat.externalData?.invalidate(
                ownerID: user.id, subjectID: "self",
                subjects: [
                    DataSubject(birth: before.birthDetails, location: before.location.map { PlaceQuery(name: $0) })
                ])
        }
        return try JSONCoding.response(UserDTO(user))
    }
}
