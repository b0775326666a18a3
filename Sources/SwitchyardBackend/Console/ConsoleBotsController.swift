import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `/console/bots…`: the list (search, status filter, pages), create, edit, archive. Saves go through the admin
/// API's own operations, so the console refuses exactly what the API refuses, beside the field it names.
struct ConsoleBotsController<Context: RemoteAddressRequestContext>: Sendable {
    let api: AdminBotsController<Context>
    let bots: any BotRepository
    let configs: any LLMConfigRepository
    let directory: any AdminDirectory
    let renderer: ConsoleRenderer
    static var pageSize: Int { 25 }

    struct Row {
        var slug: String
        var name: String
        var status: String
        var type: String
        var activeConfig: String
        var sessionsToday: Int
        var href: String
    }

    struct ListModel {
        var chrome: ConsoleChrome
        var q: String
        var statuses: [FormField.Option]
        var rows: [Row]
        var empty: Bool
        var pager: Pager
    }

    struct FormModel {
        var chrome: ConsoleChrome
        var action: String
        var form: FormState
        var isNew: Bool
        var bot: BotSummary?
        var configs: [ConsoleConfigsController<Context>.Row]
        var hasConfigs: Bool
    }

    struct BotSummary {
        var slug: String
        var name: String
        var archiveAction: String
        var newConfigHref: String
        var weightsAction: String
        var archived: Bool
    }

    func register(on console: ConsoleRouter<Context>) {
        console.page("/bots", list)
        console.page("/bots/new") { request in
            renderer.page("bot", formModel(request, bot: nil, form: FormState(Self.fields(bot: nil, form: nil))))
        }
        console.form("/bots", create)
        console.page("/bots/{slug}") { request in
            let bot = try await bot(request)
            return renderer.page(
                "bot", try await formModel(request, bot: bot, form: FormState(Self.fields(bot: bot, form: nil))))
        }
        console.form("/bots/{slug}", update)
        console.form("/bots/{slug}/archive") { request, _ in
            let bot = try await bot(request)
            var input = try FormJSON().decode(BotInput.self)
            input.status = .archived
            _ = try await api.update(bot, with: input)
            return ConsoleLinks.after("/console/bots/\(ConsoleFormat.path(bot.slug))", notice: "archived")
        }
    }

    /// The bot the path names, by the admin API's own lookup.
    func bot(_ request: ConsoleRequest<Context>) async throws -> Bot {
        try await AdminBotsController<Context>.bot(request.context, bots: bots)
    }

    @Sendable func list(_ request: ConsoleRequest<Context>) async throws -> Response {
        let q = request.query.text("q") ?? ""
        let status = request.query.text("status").flatMap(BotStatus.init(rawValue:))
        let needle = q.lowercased()
        let matching = try await bots.bots(status: status).filter {
            needle.isEmpty || $0.name.lowercased().contains(needle) || $0.slug.contains(needle)
        }
        let start = (request.page - 1) * Self.pageSize
        let shown = Array(matching.dropFirst(start).prefix(Self.pageSize))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let today = try await directory.sessionCounts(since: calendar.startOfDay(for: Date()))
        var rows: [Row] = []
        for bot in shown {
            let active = try await configs.configs(botID: bot.id).first(where: \.isActive)
            rows.append(
                Row(
                    slug: bot.slug, name: bot.name, status: bot.status.rawValue, type: bot.type,
                    activeConfig: active.map(ConsoleConfigsController<Context>.describe) ?? "none",
                    sessionsToday: today[bot.id] ?? 0, href: "/console/bots/\(ConsoleFormat.path(bot.slug))"))
        }
        let statusChoices = [("", "Any status")] + BotStatus.allCases.map { ($0.rawValue, $0.rawValue) }
        return renderer.page(
            "bots",
            ListModel(
                chrome: ConsoleChrome(
                    title: "Bots", section: "bots", session: request.session,
                    notice: ConsoleNotice.text(request.query["notice"])), q: q,
                statuses: statusChoices.map {
                    FormField.Option(value: $0.0, label: $0.1, selected: $0.0 == (status?.rawValue ?? ""))
                }, rows: rows, empty: rows.isEmpty,
                pager: Pager(page: request.page, hasMore: matching.count > start + Self.pageSize) { page in
                    "/console/bots?q=\(ConsoleFormat.query(q))&status=\(status?.rawValue ?? "")&page=\(page)"
                }))
    }

    @Sendable func create(_ request: ConsoleRequest<Context>, form: ConsoleForm) async throws -> Response {
        do {
            let bot = try await api.create(try Self.input(form, updating: false))
            return ConsoleLinks.after("/console/bots/\(ConsoleFormat.path(bot.slug))", notice: "created")
        } catch let error as APIError where error.isFormProblem {
            var state = FormState(Self.fields(bot: nil, form: form))
            state.place(error)
            return renderer.page(
                "bot", formModel(request, bot: nil, form: state), status: error.status)
        }
    }

    @Sendable func update(_ request: ConsoleRequest<Context>, form: ConsoleForm) async throws -> Response {
        let current = try await bot(request)
        do {
            let bot = try await api.update(current, with: try Self.input(form, updating: true))
            return ConsoleLinks.after("/console/bots/\(ConsoleFormat.path(bot.slug))", notice: "saved")
        } catch let error as APIError where error.isFormProblem {
            var state = FormState(Self.fields(bot: current, form: form))
            state.place(error)
            return renderer.page(
                "bot", try await formModel(request, bot: current, form: state), status: error.status)
        }
    }

    private func formModel(_ request: ConsoleRequest<Context>, bot: Bot?, form: FormState) -> FormModel {
        FormModel(
            chrome: ConsoleChrome(
                title: bot.map { "Bot: \($0.name)" } ?? "New bot", section: "bots", session: request.session,
                notice: ConsoleNotice.text(request.query["notice"]), error: form.error),
            action: bot.map { "/console/bots/\(ConsoleFormat.path($0.slug))" } ?? "/console/bots", form: form,
            isNew: bot == nil,
            bot: bot.map {
                let base = "/console/bots/\(ConsoleFormat.path($0.slug))"
                return BotSummary(
                    slug: $0.slug, name: $0.name, archiveAction: base + "/archive",
                    newConfigHref: base + "/configs/new", weightsAction: base + "/weights",
                    archived: $0.status == .archived)
            }, configs: [], hasConfigs: false)
    }

    private func formModel(_ request: ConsoleRequest<Context>, bot: Bot, form: FormState) async throws -> FormModel {
        var model: FormModel = formModel(request, bot: bot as Bot?, form: form)
        model.configs = try await configs.configs(botID: bot.id).map(ConsoleConfigsController<Context>.row)
        model.hasConfigs = !model.configs.isEmpty
        return model
    }

    /// The bot form's fields: the submitted values when re-shown after an error, else the bot's.
    static func fields(bot: Bot?, form: ConsoleForm?) -> [FormField] {
        func value(_ name: String, _ current: String?) -> String? { form.map { $0[name] ?? "" } ?? current }
        let pricing = bot?.pricing
        return [
            .text("name", "Name", value: value("name", bot?.name), required: true),
            .textarea("description", "Description", value: value("description", bot?.description), rows: 3),
            .textarea(
                "scene_description", "Scene description", value: value("scene_description", bot?.sceneDescription),
                rows: 3),
            .select(
                "status", "Status", value: value("status", bot?.status.rawValue ?? BotStatus.draft.rawValue),
                choices: BotStatus.allCases.map { ($0.rawValue, $0.rawValue) }),
            .select(
                "type", "Type", value: value("type", bot?.type ?? BotType.companion.rawValue),
                choices: BotType.allCases.map { ($0.rawValue, $0.rawValue) }),
            .number("rank", "Rank", value: value("rank", bot.map { String($0.rank) } ?? "0"), hint: "Lower first."),
            .text(
                "time_zone", "Time zone", value: value("time_zone", bot?.timeZone),
                hint: "An IANA zone such as Asia/Kolkata; empty uses the app's."),
            .text("avatar_url", "Avatar URL", value: value("avatar_url", bot?.avatarURL)),
            .text(
                "pricing.currency", "Pricing: currency", value: value("pricing.currency", pricing?.currency),
                hint: "ISO 4217 such as INR; empty makes the bot free."),
        ]
            + pricingParts.map { part, label, read in
                .number(
                    "pricing.\(part)", "Pricing: \(label)",
                    value: value("pricing.\(part)", pricing.map { String(read($0)) }))
            } + [
                .textarea(
                    "metadata", "Metadata (JSON)",
                    value: value("metadata", bot.map { ConsoleJSON.pretty($0.metadata) }), rows: 8,
                    hint: "A JSON object: data_sources, required_profile_fields, response_length…")
            ]
    }

    /// The pricing parts (integer minor units), as the API names them.
    static var pricingParts: [(String, String, @Sendable (Pricing) -> Int64)] {
        [
            ("per_message", "per message (minor units)", \.perMessage),
            ("per_1k_input_tokens", "per 1k input tokens", \.per1kInputTokens),
            ("per_1k_output_tokens", "per 1k output tokens", \.per1kOutputTokens),
            ("per_minute", "per minute", \.perMinute), ("free_messages", "free messages per session", \.freeMessages),
        ]
    }

    /// The admin API's input from the form. On an update every text field is sent, so that emptying one clears it.
    static func input(_ form: ConsoleForm, updating: Bool) throws -> BotInput {
        var json = FormJSON()
        for key in ["name", "description", "scene_description", "avatar_url"] {
            if updating, key != "name" { json.set(key, form[key] ?? "") } else { json.text(key, form[key]) }
        }
        json.text("status", form.text("status"))
        json.text("type", form.text("type"))
        json.text("time_zone", form.text("time_zone"))
        try json.integer("rank", form.text("rank"))
        var metadata = try FormJSON.object(form["metadata"], field: "metadata")
        if let currency = form.text("pricing.currency") {
            var pricing = FormJSON()
            pricing.set("currency", currency)
            for (part, _, _) in pricingParts {
                try pricing.integer(part, form.text("pricing.\(part)"), field: "pricing.\(part)")
            }
            metadata["pricing"] = pricing.object
        } else {
            metadata.removeValue(forKey: "pricing")
        }
        json.set("metadata", metadata)
        return try json.decode(BotInput.self)
    }
}

/// JSON as the console shows it in text areas.
enum ConsoleJSON {
    /// Pretty-printed with sorted keys; `{}` when empty.
    static func pretty(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The confirmations a page shows after a form post (`?notice=`), from a fixed list so that a link cannot make the
/// console say anything else.
enum ConsoleNotice {
    static func text(_ code: String?) -> String? {
        switch code {
        case "created": "Created."
        case "saved": "Saved."
        case "archived": "Archived: users can no longer chat with this bot."
        case "activated": "Activated: new turns use this config."
        case "weights": "Experiment weights saved."
        case "version": "New version saved. Move a label to it to serve it."
        case "label": "Label moved."
        case "credited": "Credited."
        case "replayed": "This credit was already recorded (same idempotency key); nothing new was written."
        default: nil
        }
    }
}
