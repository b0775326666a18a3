import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `/admin/v1/bots…`.
struct AdminBotsController<Context: RequestContext>: Sendable {
    let bots: any BotRepository
    let users: any UserRepository
    let limit: Int

    func register(on group: RouteRegistrar<RouterGroup<Context>>) {
        group.post("/admin/v1/bots", use: create)
        group.get("/admin/v1/bots") { _, _ in try JSONCoding.response(try await bots.bots(status: nil).map(BotDTO.init))
        }
        group.get("/admin/v1/bots/{slug}") { _, context in
            try JSONCoding.response(BotDTO(try await Self.bot(context, bots: bots)))
        }
        group.patch("/admin/v1/bots/{slug}", use: update)
        group.delete("/admin/v1/bots/{slug}") { _, context in
            let slug = try context.parameters.require("slug")
            guard try await bots.softDeleteBot(slug: slug, at: Date()) else {
                throw APIError.notFound("No bot '\(slug)'.")
            }
            return Response(status: .noContent)
        }
    }

    static func bot(_ context: Context, bots: any BotRepository) async throws -> Bot {
        let slug = try context.parameters.require("slug")
        guard let bot = try await bots.bot(slug: slug) else { throw APIError.notFound("No bot '\(slug)'.") }
        return bot
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let input = try await JSONCoding.decode(BotInput.self, from: request, limit: limit)
        return try JSONCoding.response(BotDTO(try await create(input)), status: .created)
    }

    /// Creates a bot from the API's (or the console's) input, validated whole before anything is written.
    func create(_ input: BotInput) async throws -> Bot {
        guard let name = input.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw APIError.invalidRequest("`name` is required.", param: "name")
        }
        try await validate(input)
        let base = Slug.make(from: name) { _ in false }
        let status = input.status ?? .draft
        for _ in 0..<3 {
            var slug = base
            var suffix = 2
            while try await bots.slugExists(slug) {
                slug = "\(base)-\(suffix)"
                suffix += 1
            }
            let bot = Bot(
                slug: slug, name: name, description: input.description ?? "",
                sceneDescription: input.sceneDescription ?? "", avatarURL: input.avatarURL, status: status,
                type: input.type ?? BotType.companion.rawValue, rank: input.rank ?? 0, timeZone: input.timeZone,
                metadata: input.metadata?.fields ?? [:], pricing: input.metadata?.pricing, ownerID: input.ownerID,
                launchedOn: status == .launched ? Date() : nil)
            do {
                return try await bots.createBot(bot)
            } catch StoreError.conflict {
                continue  // another request took the slug between the check and the insert
            }
        }
        throw APIError(
            .conflict, type: "invalid_request_error", code: "slug_taken", message: "Could not find a free slug.")
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let bot = try await Self.bot(context, bots: bots)
        let input = try await JSONCoding.decode(BotInput.self, from: request, limit: limit)
        return try JSONCoding.response(BotDTO(try await update(bot, with: input)))
    }

    /// Lays the fields that `input` holds over `bot`, validated before anything is written.
    func update(_ current: Bot, with input: BotInput) async throws -> Bot {
        var bot = current
        try await validate(input)
        if let name = input.name {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw APIError.invalidRequest("`name` must not be empty.", param: "name")
            }
            bot.name = name
        }
        if let value = input.description { bot.description = value }
        if let value = input.sceneDescription { bot.sceneDescription = value }
        if let value = input.avatarURL { bot.avatarURL = value }
        if let value = input.type { bot.type = value }
        if let value = input.rank { bot.rank = value }
        if let value = input.timeZone { bot.timeZone = value }
        if let value = input.ownerID { bot.ownerID = value }
        if let value = input.metadata {
            // `metadata` is replaced whole: leaving out `pricing` makes the bot free for new sessions.
            bot.metadata = value.fields
            bot.pricing = value.pricing
        }
        if let status = input.status {
            if status == .launched, bot.status != .launched { bot.launchedOn = Date() }
            bot.status = status
        }
        bot.updatedAt = Date()
        try await bots.updateBot(bot)
        return bot
    }

    /// Every check of a bot's fields, before anything is written.
    func validate(_ input: BotInput) async throws {
        if let problem = input.metadata?.pricing?.problem() {
            throw APIError.invalidRequest(problem, param: "metadata.pricing")
        }
        if let metadata = input.metadata?.fields, let problem = BotMetadataRules.botProblem(metadata) {
            throw APIError.invalidRequest(problem.message, param: problem.param)
        }
        if let zone = input.timeZone, TimeZone(identifier: zone) == nil {
            throw APIError.invalidRequest("`time_zone` '\(zone)' is not an IANA time zone.", param: "time_zone")
        }
        if let type = input.type, BotType(rawValue: type) == nil {
            throw APIError.invalidRequest(
                "`type` '\(type)' is not a bot type; use one of: "
                    + BotType.allCases.map(\.rawValue).joined(separator: ", ") + ".", param: "type")
        }
        if let owner = input.ownerID, try await users.user(id: owner) == nil {
            throw APIError.invalidRequest("`owner_id` names no user.", param: "owner_id")
        }
    }
}
