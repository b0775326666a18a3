import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// What a bot remembers about the user, per bot: `GET/POST/DELETE /v1/bots/{slug}/memories` and
/// `DELETE /v1/bots/{slug}/memories/{id}`; operators read them at `GET /admin/v1/bots/{slug}/memories?user=`.
struct MemoriesController<Context: UserAuthenticatedContext>: Sendable {
    let bots: any BotRepository
    let memories: any MemoryRepository
    let limit: Int

    struct Input: Decodable, Sendable {
        var text: String?
    }

    func register(on group: RouteRegistrar<RouterGroup<Context>>) {
        group.get("/v1/bots/{slug}/memories") { _, context in
            let (user, bot) = try await scope(context)
            return try JSONCoding.response(
                try await memories.memories(userID: user.id, botID: bot.id).map(MemoryDTO.init))
        }
        group.post("/v1/bots/{slug}/memories") { request, context in
            let (user, bot) = try await scope(context)
            let input = try await JSONCoding.decode(Input.self, from: request, limit: limit)
            let text = ProfileText.sanitized(input.text, limit: Int.max)
            guard (1...ExternalDataLimits.memoryCharacters).contains(text.count) else {
                throw APIError.invalidRequest(
                    "`text` must be 1 to \(ExternalDataLimits.memoryCharacters) characters.", param: "text")
            }
            let memory = Memory(userID: user.id, botID: bot.id, text: text)
            guard try await memories.addMemory(memory, limit: ExternalDataLimits.memories) else {
                throw APIError(
                    .conflict, type: "invalid_request_error", code: "too_many_memories",
                    message: "\(bot.name) keeps at most \(ExternalDataLimits.memories) memories per user. Delete one "
                        + "(DELETE /v1/bots/\(bot.slug)/memories/{id}) first.")
            }
            return try JSONCoding.response(MemoryDTO(memory), status: .created)
        }
        group.delete("/v1/bots/{slug}/memories") { _, context in
            let (user, bot) = try await scope(context)
            _ = try await memories.deleteMemories(userID: user.id, botID: bot.id)
            return Response(status: .noContent)
        }
        group.delete("/v1/bots/{slug}/memories/{id}") { _, context in
            let (user, bot) = try await scope(context)
            let raw = try context.parameters.require("id")
            guard let id = UUID(uuidString: raw),
                try await memories.deleteMemory(id: id, userID: user.id, botID: bot.id)
            else { throw APIError.notFound("No memory '\(raw)' with \(bot.name).") }
            return Response(status: .noContent)
        }
    }

    private func scope(_ context: Context) async throws -> (User, Bot) {
        let user = try UserController<Context>.user(context)
        let slug = try context.parameters.require("slug")
        guard let bot = try await bots.bot(slug: slug), bot.status == .launched else {
            throw APIError.notFound("No bot '\(slug)'.")
        }
        return (user, bot)
    }
}

/// `GET /admin/v1/bots/{slug}/memories?user={external_id}`.
struct AdminMemoriesController<Context: RequestContext>: Sendable {
    let bots: any BotRepository
    let memories: any MemoryRepository

    func register(on group: RouteRegistrar<some RouterMethods<Context>>) {
        group.get("/admin/v1/bots/{slug}/memories") { request, context in
            let slug = try context.parameters.require("slug")
            guard let bot = try await bots.bot(slug: slug) else { throw APIError.notFound("No bot '\(slug)'.") }
            guard let user = request.uri.queryParameters["user"].map(String.init), !user.isEmpty else {
                throw APIError.invalidRequest("Name the user: `?user={external_id}`.", param: "user")
            }
            return try JSONCoding.response(
                try await memories.memories(externalUserID: user, botID: bot.id).map(MemoryDTO.init))
        }
    }
}

struct MemoryDTO: Encodable, Sendable {
    var id: LowercaseUUID
    var text: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, text
        case createdAt = "created_at"
    }

    init(_ memory: Memory) {
        id = LowercaseUUID(memory.id)
        text = memory.text
        createdAt = memory.createdAt
    }
}
