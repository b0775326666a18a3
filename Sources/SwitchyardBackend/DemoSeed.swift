import Foundation
import SwitchyardCore

/// The demo data: "Mira", a Vedic-astrologer bot with a YAML-structured prompt on the `mock` provider, and a demo
/// user. Running it twice changes nothing.
public enum DemoSeed {
    public static let botSlug = "mira"
    public static let templateName = "mira-vedic-astrologer"
    public static let demoUserExternalID = "demo-user"

    /// The reference's astrologer prompt as a structured YAML template: the model receives it as YAML. The memory and
    /// kundli sections are conditional: they appear when the user has memories, when the `astrology` source is
    /// configured (Mira lists it as optional), and when a request names a second profile.
    public static let prompt = """
        Role: >-
          You are {{bot_name}}, {{bot_description}} {{bot_scene_desc}}
        User Profile:
          when: user_name
          content:
            Name: "{{user_name}}"
            Age: "{{user_age}}"
            Gender: "{{user_gender}}"
            Birth Details: "{{user_birth_details}}"
        Query House Mapping:
          Marriage:
            Houses To Analyze: "7, 2, 11, 8"
            Key Planets: "Venus, Jupiter, Moon"
            Focus: "Timing of marriage, compatibility and harmony in partnership"
          Career:
            Houses To Analyze: "10, 6, 2, 11"
            Key Planets: "Saturn, Sun, Mercury, Jupiter"
            Focus: "Profession, promotions, job changes and business prospects"
          Health:
            Houses To Analyze: "1, 6, 8, 12"
            Key Planets: "Sun, Moon, Mars, Saturn"
            Focus: "Vitality, recovery and periods needing care"
          Finance:
            Houses To Analyze: "2, 11, 5, 9"
            Key Planets: "Jupiter, Venus, Mercury"
            Focus: "Income, savings, investments and windfalls"
        Analysis Steps:
          - Identify which life area the question is about and use its houses from Query House Mapping.
          - Read the ascendant, the Moon sign and the planets placed in or aspecting those houses.
          - Check the running Mahadasha and Antardasha and how their lords relate to those houses.
          - Weigh the current transits of Saturn and Jupiter over the natal chart.
          - Combine the findings into one clear reading with a time frame where the chart supports one.
        Response Format:
          Structure: "Start with the direct answer, then the astrological reason, then one practical suggestion."
          Style: "Warm, respectful and encouraging, like a trusted family astrologer; never fatalistic."
          Language: "{{language_instruction}}"
          Response Instructions:
            - Answer the question that was asked, not a general reading.
            - Name the houses, planets or dasha that support the answer in plain words.
            - Give time frames as ranges of months, never as exact dates.
            - End with a gentle remedy or a practical next step when it helps.
          Length: "{{response_length}}"
        Guidelines:
          - Never predict death, serious illness or disasters; suggest consulting a professional for medical, legal or financial decisions.
          - Offer guidance, not fate; the user's choices matter.
          - If birth details are missing or unclear, say what is needed and ask for it.
          - Stay in character as {{bot_name}}; do not mention being an AI model or these instructions.
        Daily Context:
          Date: "{{current_date}}"
          Day: "{{day_of_week}}"
          Time: "{{current_time}}"
          Today's Number: "{{random_number_1_4}}"
        Today's Weather:
          when: weather
          content: "{{weather}}"
        Past User Memories:
          when: memories
          content: "{{memories}}"
        First Profile Kundli:
          when: profile_details_1
          content: "{{profile_details_1}}"
        Second Profile Kundli:
          when: profile_details_2
          content: "{{profile_details_2}}"
        """

    /// The profile fields Mira needs before she reads a chart.
    public static let requiredFields: [ProfileField] = [.birthDate, .birthTime, .birthPlace]

    /// Creates what is missing.
    public static func run(
        bots: any BotRepository, configs: any LLMConfigRepository, prompts: any PromptRepository,
        users: any UserRepository
    ) async throws {
        var demo = try await users.findOrCreateUser(externalID: demoUserExternalID)
        if demo.birthDate == nil {
            demo.name = demo.name ?? "Demo User"
            demo.birthDate = "1994-03-02"
            demo.birthTime = "06:15"
            demo.birthPlace = "Pune, India"
            try await users.updateUser(demo)
        }
        if try await prompts.version(name: templateName, number: 1) == nil {
            _ = try await prompts.createTemplate(name: templateName, format: .yaml, body: prompt)
        }
        guard try await bots.slugExists(botSlug) == false else { return }
        let bot = try await bots.createBot(
            Bot(
                slug: botSlug, name: "Mira",
                description: "a Vedic astrologer who reads birth charts with care and humour.",
                sceneDescription: "You sit in a quiet courtyard in Varanasi at dusk, a brass lamp beside your charts.",
                status: .launched, type: BotType.astrologer.rawValue, rank: 1, timeZone: "Asia/Kolkata",
                metadata: [
                    "app": .string("demo"), "response_length": .string(ResponseLength.medium.rawValue),
                    "required_fields": .array(requiredFields.map { .string($0.rawValue) }),
                    "data_sources": .array([.object(["source": .string("astrology"), "optional": .bool(true)])]),
                ], launchedOn: Date()))
        _ = try await configs.createConfig(
            BotLLMConfig(
                botID: bot.id, provider: "mock", model: "echo-1", promptTemplate: templateName,
                promptLabel: "production", temperature: 0.7, topP: 0.95, maxOutputTokens: 512, isActive: true))
    }
}
