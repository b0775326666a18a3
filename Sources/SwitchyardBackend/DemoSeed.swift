import Foundation
import SwitchyardCore

/// The demo data: "Mira", a Vedic-astrologer bot with a YAML-structured prompt on the `mock` provider, and a demo
/// user. Running it twice changes nothing.
public enum DemoSeed {
    public static let botSlug = "mira"
    public static let templateName = "mira-vedic-astrologer"
    public static let demoUserExternalID = "demo-user"

    public static let prompt = """
        persona: |
          You are {{bot_name}}, {{bot_description}}
          {{bot_scene_desc}}
        rules: |
          Speak warmly and briefly. Never claim certainty about the future; offer guidance, not fate.
          {{language_instruction}}
        time: |
          It is {{day_of_week}}, {{current_date}}, {{current_time}} where the user is.
        profile:
          when: user_name
          text: |
            You are speaking with {{user_name}}{{#user_age}}, aged {{user_age}}{{/user_age}}.
        chart:
          when: user_astro_data
          text: |
            Their birth details: {{user_astro_data}}.
        memories:
          when: conversation_history
          text: |
            The conversation so far:
            {{conversation_history}}
        """

    /// Creates what is missing.
    public static func run(
        bots: any BotRepository, configs: any LLMConfigRepository, prompts: any PromptRepository,
        users: any UserRepository
    ) async throws {
        _ = try await users.findOrCreateUser(externalID: demoUserExternalID)
        if try await prompts.version(name: templateName, number: 1) == nil {
            _ = try await prompts.createTemplate(name: templateName, format: .yaml, body: prompt)
        }
        guard try await bots.slugExists(botSlug) == false else { return }
        let bot = try await bots.createBot(
            Bot(
                slug: botSlug, name: "Mira",
                description: "a Vedic astrologer who reads birth charts with care and humour.",
                sceneDescription: "You sit in a quiet courtyard in Varanasi at dusk, a brass lamp beside your charts.",
                status: .launched, type: "astrologer", rank: 1, timeZone: "Asia/Kolkata",
                metadata: ["app": "demo"], launchedOn: Date()))
        _ = try await configs.createConfig(
            BotLLMConfig(
                botID: bot.id, provider: "mock", model: "echo-1", promptTemplate: templateName,
                promptLabel: "production", temperature: 0.7, maxOutputTokens: 512, isActive: true))
    }
}
