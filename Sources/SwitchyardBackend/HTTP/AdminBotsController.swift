import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `/admin/v1/bots…` and `/admin/v1/llm-configs/{id}/activate`.
struct AdminBotsController<Context: RequestContext>: Sendable {
    let bots: any BotRepository
    let configs: any LLMConfigRepository
    /// The provider ids the gateway knows: a config naming another is refused when it is saved.
    let knownProviders: Set<String>
    let limit: Int

    func register(on group: RouteRegistrar<RouterGroup<Context>>) {
        group.post("/admin/v1/bots", use: create)
        group.get("/admin/v1/bots") { _, _ in try JSONCoding.response(try await bots.bots(status: nil).map(BotDTO.init))
        }
        group.get("/admin/v1/bots/{slug}") { _, context in
            try JSONCoding.response(BotDTO(try await bot(context)))
        }
        group.patch("/admin/v1/bots/{slug}", use: update)
        group.delete("/admin/v1/bots/{slug}") { _, context in
            let slug = try context.parameters.require("slug")
            guard try await bots.softDeleteBot(slug: slug, at: Date()) else {
                throw APIError.notFound("No bot '\(slug)'.")
            }
            return Response(status: .noContent)
        }
        group.post("/admin/v1/bots/{slug}/llm-configs", use: createConfig)
        group.get("/admin/v1/bots/{slug}/llm-configs") { _, context in
            let bot = try await bot(context)
            return try JSONCoding.response(try await configs.configs(botID: bot.id).map(LLMConfigDTO.init))
        }
        group.post("/admin/v1/llm-configs/{id}/activate") { _, context in
            guard let id = UUID(uuidString: try context.parameters.require("id")) else {
                throw APIError.invalidRequest("The config id must be a UUID.", param: "id")
            }
            do {
                return try JSONCoding.response(LLMConfigDTO(try await configs.activate(configID: id)))
            } catch StoreError.notFound {
                throw APIError.notFound("No LLM config \(id.uuidString).")
            }
        }
    }

    private func bot(_ context: Context) async throws -> Bot {
        let slug = try context.parameters.require("slug")
        guard let bot = try await bots.bot(slug: slug) else { throw APIError.notFound("No bot '\(slug)'.") }
        return bot
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let input = try await JSONCoding.decode(BotInput.self, from: request, limit: limit)
        guard let name = input.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw APIError.invalidRequest("`name` is required.", param: "name")
        }
        try Self.validate(input)
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
                type: input.type ?? "assistant", rank: input.rank ?? 0, timeZone: input.timeZone,
                metadata: input.metadata?.strings ?? [:], pricing: input.metadata?.pricing,
                launchedOn: status == .launched ? Date() : nil)
            do {
                return try JSONCoding.response(BotDTO(try await bots.createBot(bot)), status: .created)
            } catch StoreError.conflict {
                continue  // another request took the slug between the check and the insert
            }
        }
        throw APIError(
            .conflict, type: "invalid_request_error", code: "slug_taken", message: "Could not find a free slug.")
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        var bot = try await bot(context)
        let input = try await JSONCoding.decode(BotInput.self, from: request, limit: limit)
        try Self.validate(input)
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
        if let value = input.metadata {
            // `metadata` is replaced whole: leaving out `pricing` makes the bot free for new sessions.
            bot.metadata = value.strings
            bot.pricing = value.pricing
        }
        if let status = input.status {
            if status == .launched, bot.status != .launched { bot.launchedOn = Date() }
            bot.status = status
        }
        try await bots.updateBot(bot)
        return try JSONCoding.response(BotDTO(bot))
    }

    static func validate(_ input: BotInput) throws {
        if let problem = input.metadata?.pricing?.problem() {
            throw APIError.invalidRequest(problem, param: "metadata.pricing")
        }
        if let zone = input.timeZone, TimeZone(identifier: zone) == nil {
            throw APIError.invalidRequest("`time_zone` '\(zone)' is not an IANA time zone.", param: "time_zone")
        }
    }

    @Sendable func createConfig(_ request: Request, context: Context) async throws -> Response {
        let bot = try await bot(context)
        let input = try await JSONCoding.decode(LLMConfigDTO.self, from: request, limit: limit)
        try validate(input)
        if input.promptTemplate == nil, let prompt = input.prompt {
            do { _ = try PromptTemplate(source: prompt, format: .text) } catch let error as PromptTemplateError {
                throw APIError.invalidRequest(error.description, param: "prompt")
            }
        }
        if let weight = input.metadata?.weight, weight < 0 {
            throw APIError.invalidRequest("`metadata.weight` must not be negative.", param: "metadata.weight")
        }
        let config = BotLLMConfig(
            botID: bot.id, provider: input.llmProvider, model: input.modelName, promptTemplate: input.promptTemplate,
            promptLabel: input.promptLabel ?? "production", inlinePrompt: input.prompt, temperature: input.temperature,
            topP: input.topP, topK: input.topK, maxOutputTokens: input.maxOutputTokens,
            isActive: input.isActive ?? false,
            weight: input.metadata?.weight ?? 0, regionName: input.metadata?.regionName,
            fallbacks: input.metadata?.fallbacks)
        return try JSONCoding.response(LLMConfigDTO(try await configs.createConfig(config)), status: .created)
    }

    /// The checks the gateway applies to every request this config will make, in the config's field names, so that
    /// a config the gateway would refuse is refused now and not at chat time.
    private func validate(_ input: LLMConfigDTO) throws {
        let sampling = SamplingParameters(
            temperature: input.temperature, topP: input.topP, topK: input.topK, maxTokens: input.maxOutputTokens)
        do {
            try RequestValidation.validate(
                messages: [ChatMessage(role: .user, content: "-")], systemInstruction: nil, sampling: sampling)
            try RequestValidation.validateRouting(
                provider: input.llmProvider, model: input.modelName, retry: nil, fallbacks: input.metadata?.fallbacks,
                knownProviders: knownProviders, providerField: "llm_provider", modelField: "model_name",
                fieldPrefix: "metadata.")
        } catch {
            let param = error.parameter == "max_tokens" ? "max_output_tokens" : error.parameter
            throw APIError.invalidRequest(
                error.message.replacingOccurrences(of: "`max_tokens`", with: "`max_output_tokens`"), param: param)
        }
    }
}
