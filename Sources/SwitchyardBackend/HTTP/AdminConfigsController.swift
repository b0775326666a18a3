import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// A bot's LLM configs: `/admin/v1/bots/{slug}/llm-configs` and `/admin/v1/llm-configs/{id}…`. A config is validated
/// whole when it is saved (created or changed), with the checks the gateway applies at chat time, so that it is
/// refused now and not when a user talks to the bot.
struct AdminConfigsController<Context: RequestContext>: Sendable {
    /// The reference's sampling defaults, stored on a config that leaves them unset.
    static var defaultTemperature: Double { 0.7 }
    static var defaultTopP: Double { 0.95 }
    static var defaultMaxOutputTokens: Int { 1024 }

    let bots: any BotRepository
    let configs: any LLMConfigRepository
    let prompts: any PromptRepository
    /// The provider ids the gateway knows (built-in kinds and those declared in the configuration file).
    let knownProviders: Set<String>
    /// The gateway's route names.
    let knownRoutes: Set<String>
    let limit: Int

    func register(on group: RouteRegistrar<RouterGroup<Context>>) {
        group.post("/admin/v1/bots/{slug}/llm-configs", use: create)
        group.get("/admin/v1/bots/{slug}/llm-configs") { _, context in
            let bot = try await AdminBotsController<Context>.bot(context, bots: bots)
            return try JSONCoding.response(try await configs.configs(botID: bot.id).map(LLMConfigDTO.init))
        }
        group.patch("/admin/v1/llm-configs/{id}", use: update)
        group.delete("/admin/v1/llm-configs/{id}") { _, context in
            let id = try Self.id(context)
            do {
                try await configs.deleteConfig(id: id, at: Date())
            } catch StoreError.notFound {
                throw APIError.notFound("No LLM config \(id.lowercased).")
            } catch StoreError.conflict {
                throw APIError(
                    .conflict, type: "invalid_request_error", code: "config_active",
                    message: "The active config cannot be deleted; activate another one first.")
            }
            return Response(status: .noContent)
        }
        group.post("/admin/v1/llm-configs/{id}/activate") { _, context in
            try JSONCoding.response(LLMConfigDTO(try await activate(id: try Self.id(context))))
        }
    }

    /// Makes a config its bot's only active one.
    func activate(id: UUID) async throws -> BotLLMConfig {
        do {
            return try await configs.activate(configID: id)
        } catch StoreError.notFound {
            throw APIError.notFound("No LLM config \(id.lowercased).")
        }
    }

    private static func id(_ context: Context) throws -> UUID {
        guard let id = UUID(uuidString: try context.parameters.require("id")) else {
            throw APIError.invalidRequest("The config id must be a UUID.", param: "id")
        }
        return id
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let bot = try await AdminBotsController<Context>.bot(context, bots: bots)
        let input = try await JSONCoding.decode(LLMConfigDTO.self, from: request, limit: limit)
        return try JSONCoding.response(LLMConfigDTO(try await create(for: bot, input)), status: .created)
    }

    /// Creates a config of `bot` from the API's (or the console's) input, validated whole first.
    func create(for bot: Bot, _ input: LLMConfigDTO) async throws -> BotLLMConfig {
        var config = BotLLMConfig(
            botID: bot.id, provider: "", model: "", temperature: Self.defaultTemperature, topP: Self.defaultTopP,
            maxOutputTokens: Self.defaultMaxOutputTokens, isActive: input.isActive ?? false)
        try apply(input, to: &config)
        try await validate(config)
        return try await configs.createConfig(config)
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.id(context)
        let input = try await JSONCoding.decode(LLMConfigDTO.self, from: request, limit: limit)
        return try JSONCoding.response(LLMConfigDTO(try await update(id: id, with: input)))
    }

    /// Lays the fields that `input` holds over the config, validated whole before it is written.
    func update(id: UUID, with input: LLMConfigDTO) async throws -> BotLLMConfig {
        guard var config = try await configs.config(id: id) else {
            throw APIError.notFound("No LLM config \(id.lowercased).")
        }
        if input.isActive != nil {
            throw APIError.invalidRequest(
                "`is_active` cannot be changed here; use POST /admin/v1/llm-configs/{id}/activate.", param: "is_active")
        }
        try apply(input, to: &config)
        config.updatedAt = Date()
        try await validate(config)
        do {
            return try await configs.updateConfig(config)
        } catch StoreError.notFound {
            throw APIError.notFound("No LLM config \(id.lowercased).")
        }
    }

    /// Lays the fields that `input` holds over `config`; `metadata` is replaced whole.
    private func apply(_ input: LLMConfigDTO, to config: inout BotLLMConfig) throws {
        if input.route != nil, input.llmProvider != nil || input.modelName != nil {
            throw APIError.invalidRequest(
                "Send either `route` or `llm_provider` and `model_name`, not both.", param: "route")
        }
        if let route = input.route {
            config.route = route
            config.provider = ""
            config.model = ""
        }
        if input.llmProvider != nil || input.modelName != nil {
            config.route = nil
            config.provider = input.llmProvider ?? config.provider
            config.model = input.modelName ?? config.model
        }
        if let value = input.promptTemplate {
            config.promptTemplate = value
            config.inlinePrompt = nil
        }
        if let value = input.prompt {
            config.inlinePrompt = value
            if input.promptTemplate == nil { config.promptTemplate = nil }
        }
        if let value = input.promptLabel { config.promptLabel = value }
        if let value = input.temperature { config.temperature = value }
        if let value = input.topP { config.topP = value }
        if let value = input.topK { config.topK = value }
        if let value = input.maxOutputTokens { config.maxOutputTokens = value }
        if let metadata = input.metadata {
            config.regionName = metadata.regionName
            config.fallbacks = metadata.fallbacks
            config.weight = metadata.weight ?? 0
            config.metadata = metadata.other
        }
    }

    /// The checks of a whole config, in the config's field names.
    private func validate(_ config: BotLLMConfig) async throws {
        if let problem = BotMetadataRules.sizeProblem(config.metadata) {
            throw APIError.invalidRequest(problem.message, param: problem.param)
        }
        if config.weight < 0 {
            throw APIError.invalidRequest("`metadata.weight` must not be negative.", param: "metadata.weight")
        }
        let sampling = SamplingParameters(
            temperature: config.temperature, topP: config.topP, topK: config.topK, maxTokens: config.maxOutputTokens)
        do throws(RequestValidationError) {
            try RequestValidation.validate(
                messages: [ChatMessage(role: .user, content: "-")], systemInstruction: nil, sampling: sampling)
            if let route = config.route {
                try RequestValidation.checkRoute(route, field: "route", knownRoutes: knownRoutes)
            } else {
                if config.provider.isEmpty {
                    throw RequestValidationError(
                        parameter: "llm_provider", message: "Send `llm_provider` and `model_name`, or `route`.")
                }
                try RequestValidation.validateRouting(
                    provider: config.provider, model: config.model, retry: nil, fallbacks: config.fallbacks,
                    knownProviders: knownProviders, providerField: "llm_provider", modelField: "model_name",
                    fieldPrefix: "metadata.")
            }
        } catch {
            let param = error.parameter == "max_tokens" ? "max_output_tokens" : error.parameter
            throw APIError.invalidRequest(
                error.message.replacingOccurrences(of: "`max_tokens`", with: "`max_output_tokens`"), param: param)
        }
        if let name = config.promptTemplate {
            guard try await prompts.version(name: name, label: config.promptLabel) != nil else {
                throw APIError.invalidRequest(
                    "No prompt template '\(name)' with a version labelled '\(config.promptLabel)'.",
                    param: "prompt_template")
            }
        } else if let prompt = config.inlinePrompt {
            do { _ = try PromptTemplate(source: prompt, format: .text) } catch let error as PromptTemplateError {
                throw APIError.invalidRequest(error.description, param: "prompt")
            }
        }
    }
}
