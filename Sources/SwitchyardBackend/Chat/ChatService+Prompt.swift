import Foundation
import SwitchyardCore

extension ChatService {
    func zone(named identifier: String) -> TimeZone? {
        if let cached = zones.value(for: identifier) { return cached }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        zones.store(zone, for: identifier)
        return zone
    }

    func renderPrompt(
        config: BotLLMConfig, version: PromptVersion?, bot: Bot, user: User, message: String, history: [StoredMessage],
        app: String?, secondProfileID: UUID?
    ) async throws -> String {
        let source: (String, PromptVersion.Format, PromptOutput?)
        if config.promptTemplate != nil {
            guard let version else {
                throw ChatFailure.notConfigured(botName: bot.name)
            }
            source = (version.body, version.format, version.output)
        } else {
            source = (config.inlinePrompt ?? "You are {{bot_name}}. {{bot_description}}", .text, nil)
        }
        let cacheKey = "\(source.1.rawValue):\(source.2?.rawValue ?? "-"):\(source.0)"
        let template: PromptTemplate
        if let cached = templates.value(for: cacheKey) {
            template = cached
        } else {
            template = try PromptTemplate(source: source.0, format: source.1, output: source.2)
            templates.store(template, for: cacheKey)
        }
        let languages =
            template.variables.contains(.languageInstruction) ? await self.languages.current(now: now()) : .defaults
        var context = PromptContext(
            bot: bot, user: user, message: message, history: history, appTimeZone: settings.appTimeZone,
            languageInstructions: languages, app: app, responseLengths: settings.responseLengths,
            zone: zone(named:))
        let external = try await externalValues(
            for: template.variables, bot: bot, user: user, secondProfileID: secondProfileID)
        context.external = external.mapValues(\.formatted)
        return template.render(
            PromptVariableResolver.resolve(template.variables, context: context),
            fragments: Dictionary(
                uniqueKeysWithValues: external.compactMap { variable, data in
                    template.variables.contains(variable) ? (variable.rawValue, data.fragment) : nil
                }))
    }
}
