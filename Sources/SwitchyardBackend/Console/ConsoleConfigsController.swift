import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// A bot's LLM configs: create, edit, activate in one click, experiment weights. The provider is chosen from the
/// providers the gateway knows; saves go through the admin API's validation.
struct ConsoleConfigsController<Context: RemoteAddressRequestContext>: Sendable {
    let api: AdminConfigsController<Context>
    let bots: any BotRepository
    let configs: any LLMConfigRepository
    let prompts: any PromptRepository
    let renderer: ConsoleRenderer

    /// A config in the bot page's table.
    struct Row {
        var id: String
        var target: String
        var prompt: String
        var weight: Int
        var active: Bool
        var href: String
        var activateAction: String
        var weightField: String
    }

    struct FormModel {
        var chrome: ConsoleChrome
        var action: String
        var botName: String
        var botHref: String
        var form: FormState
        var isNew: Bool
        var activateAction: String?
        var active: Bool
    }

    static func describe(_ config: BotLLMConfig) -> String {
        config.route.map { "route \($0)" } ?? "\(config.provider)/\(config.model)"
    }

    static func row(_ config: BotLLMConfig) -> Row {
        let id = config.id.uuidString.lowercased()
        return Row(
            id: id, target: describe(config),
            prompt: config.promptTemplate.map { "\($0)@\(config.promptLabel)" } ?? "inline", weight: config.weight,
            active: config.isActive, href: "/console/configs/\(id)", activateAction: "/console/configs/\(id)/activate",
            weightField: "weight.\(id)")
    }

    func register(on console: ConsoleRouter<Context>) {
        console.page("/bots/{slug}/configs/new") { request in
            let bot = try await bot(request)
            return renderer.page(
                "config",
                try await formModel(request, bot: bot, config: nil, form: FormState(try await fields(nil, form: nil))))
        }
        console.form("/bots/{slug}/configs") { request, form in
            let bot = try await bot(request)
            do {
                let config = try await api.create(for: bot, try Self.input(form))
                return ConsoleLinks.after("/console/bots/\(ConsoleFormat.path(bot.slug))", notice: "created")
                    .withFragment(config.id)
            } catch let error as APIError where error.isFormProblem {
                var state = FormState(try await fields(nil, form: form))
                state.place(error)
                return renderer.page(
                    "config", try await formModel(request, bot: bot, config: nil, form: state), status: error.status)
            }
        }
        console.page("/configs/{id}") { request in
            let (config, bot) = try await config(request)
            return renderer.page(
                "config",
                try await formModel(
                    request, bot: bot, config: config, form: FormState(try await fields(config, form: nil))))
        }
        console.form("/configs/{id}") { request, form in
            let (config, bot) = try await config(request)
            do {
                _ = try await api.update(id: config.id, with: try Self.input(form))
                return ConsoleLinks.after("/console/configs/\(config.id.uuidString.lowercased())", notice: "saved")
            } catch let error as APIError where error.isFormProblem {
                var state = FormState(try await fields(config, form: form))
                state.place(error)
                return renderer.page(
                    "config", try await formModel(request, bot: bot, config: config, form: state),
                    status: error.status)
            }
        }
        console.form("/configs/{id}/activate") { request, _ in
            let (config, bot) = try await config(request)
            _ = try await api.activate(id: config.id)
            return ConsoleLinks.after("/console/bots/\(ConsoleFormat.path(bot.slug))", notice: "activated")
        }
        console.form("/bots/{slug}/weights") { request, form in
            let bot = try await bot(request)
            for config in try await configs.configs(botID: bot.id) {
                let field = "weight.\(config.id.uuidString.lowercased())"
                guard let text = form.text(field) else { continue }
                guard let weight = Int(text) else {
                    throw APIError.invalidRequest("A weight must be a whole number; got '\(text)'.", param: field)
                }
                guard weight != config.weight else { continue }
                var metadata = try FormJSON.object(ConsoleJSON.pretty(LLMConfigDTO(config).metadata), field: "metadata")
                metadata["weight"] = weight
                var json = FormJSON()
                json.set("metadata", metadata)
                _ = try await api.update(id: config.id, with: try json.decode(LLMConfigDTO.self))
            }
            return ConsoleLinks.after("/console/bots/\(ConsoleFormat.path(bot.slug))", notice: "weights")
        }
    }

    /// The bot the path names, by the admin API's own lookup.
    private func bot(_ request: ConsoleRequest<Context>) async throws -> Bot {
        try await AdminBotsController<Context>.bot(request.context, bots: bots)
    }

    private func config(_ request: ConsoleRequest<Context>) async throws -> (BotLLMConfig, Bot) {
        let raw = try request.parameter("id")
        guard let id = UUID(uuidString: raw), let config = try await configs.config(id: id),
            let bot = try await bots.bot(id: config.botID)
        else { throw APIError.notFound("No LLM config \(raw.lowercased()).") }
        return (config, bot)
    }

    private func formModel(
        _ request: ConsoleRequest<Context>, bot: Bot, config: BotLLMConfig?, form: FormState
    ) async throws -> FormModel {
        let botHref = "/console/bots/\(ConsoleFormat.path(bot.slug))"
        let id = config?.id.uuidString.lowercased()
        return FormModel(
            chrome: ConsoleChrome(
                title: config.map { "Config \(Self.describe($0))" } ?? "New config for \(bot.name)", section: "bots",
                session: request.session, notice: ConsoleNotice.text(request.query["notice"]), error: form.error),
            action: id.map { "/console/configs/\($0)" } ?? "\(botHref)/configs", botName: bot.name, botHref: botHref,
            form: form, isNew: config == nil, activateAction: id.map { "/console/configs/\($0)/activate" },
            active: config?.isActive ?? false)
    }

    /// The config form's fields: the submitted values when re-shown after an error, else the config's.
    private func fields(_ config: BotLLMConfig?, form: ConsoleForm?) async throws -> [FormField] {
        func value(_ name: String, _ current: String?) -> String? { form.map { $0[name] ?? "" } ?? current }
        let providers = api.knownProviders.sorted().map { ($0, $0) }
        let routes = api.knownRoutes.sorted().map { ($0, $0) }
        let templates = try await prompts.templates().map { ($0.name, $0.name) }
        let metadata = config.map { ConsoleJSON.pretty(LLMConfigDTO($0).metadata) }
        return [
            .select(
                "llm_provider", "Provider", value: value("llm_provider", config?.provider ?? providers.first?.0),
                choices: providers, hint: "The providers this gateway knows."),
            .text("model_name", "Model", value: value("model_name", config?.model)),
            .select(
                "route", "Or a gateway route", value: value("route", config?.route),
                choices: [("", "(none: use the provider and model)")] + routes,
                hint: "A route carries its own fallback chain."),
            .select(
                "prompt_template", "Prompt template", value: value("prompt_template", config?.promptTemplate),
                choices: [("", "(none: use the inline prompt)")] + templates),
            .text("prompt_label", "Template label", value: value("prompt_label", config?.promptLabel ?? "production")),
            .textarea("prompt", "Inline prompt", value: value("prompt", config?.inlinePrompt), rows: 6),
            .number(
                "temperature", "Temperature", value: value("temperature", config?.temperature.map { "\($0)" }),
                step: "any"),
            .number("top_p", "Top p", value: value("top_p", config?.topP.map { "\($0)" }), step: "any"),
            .number("top_k", "Top k", value: value("top_k", config?.topK.map { "\($0)" })),
            .number(
                "max_output_tokens", "Max output tokens",
                value: value("max_output_tokens", config?.maxOutputTokens.map { "\($0)" })),
            .textarea(
                "metadata", "Metadata (JSON)", value: value("metadata", metadata), rows: 6,
                hint: "region_name, fallbacks [{provider, model, retry, region_name}], weight, and any other keys."),
        ]
    }

    /// The admin API's input from the form: a route or a provider and model; a template or an inline prompt.
    static func input(_ form: ConsoleForm) throws -> LLMConfigDTO {
        var json = FormJSON()
        if let route = form.text("route") {
            json.set("route", route)
        } else {
            json.set("llm_provider", form.text("llm_provider") ?? "")
            json.set("model_name", form.text("model_name") ?? "")
        }
        if let template = form.text("prompt_template") {
            json.set("prompt_template", template)
            json.text("prompt_label", form.text("prompt_label"))
        } else {
            json.set("prompt", form["prompt"] ?? "")
        }
        try json.number("temperature", form.text("temperature"))
        try json.number("top_p", form.text("top_p"))
        try json.integer("top_k", form.text("top_k"))
        try json.integer("max_output_tokens", form.text("max_output_tokens"))
        json.set("metadata", try FormJSON.object(form["metadata"], field: "metadata"))
        return try json.decode(LLMConfigDTO.self)
    }
}

extension Response {
    /// The same redirect, to an anchor of the page.
    func withFragment(_ id: UUID) -> Response {
        var response = self
        if let location = headers[.location] {
            response.headers[.location] = location + "#c-" + id.uuidString.lowercased()
        }
        return response
    }
}
