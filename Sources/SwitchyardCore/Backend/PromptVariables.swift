/// The variables a prompt template may use. A template naming anything else is refused when it is saved.
public enum PromptVariable: String, Sendable, CaseIterable, Codable {
    case botName = "bot_name"
    case botDescription = "bot_description"
    case botSceneDesc = "bot_scene_desc"
    case userName = "user_name"
    case userAge = "user_age"
    case userGender = "user_gender"
    case userMessage = "user_message"
    case conversationHistory = "conversation_history"
    case userAstroData = "user_astro_data"
    case currentTime = "current_time"
    case currentDate = "current_date"
    case dayOfWeek = "day_of_week"
    case randomNumber1To4 = "random_number_1_4"
    case languageInstruction = "language_instruction"
    case responseLength = "response_length"
    case currentTime24h = "current_time_24h"
    case currentDateISO = "current_date_iso"
    case userMemories = "user_memories"
    case firstProfileKundli = "first_profile_kundli"
    case secondProfileKundli = "second_profile_kundli"

    /// Where a variable's value comes from.
    public enum Category: String, Sendable, Codable {
        case bot, user, system, common, external
    }

    public var category: Category {
        switch self {
        case .botName, .botDescription, .botSceneDesc: .bot
        case .userName, .userAge, .userGender, .userMessage, .conversationHistory, .languageInstruction,
            .responseLength:
            .user
        case .currentTime, .currentDate, .dayOfWeek, .currentTime24h, .currentDateISO: .system
        case .randomNumber1To4: .common
        case .userAstroData, .userMemories, .firstProfileKundli, .secondProfileKundli: .external
        }
    }

    public var summary: String {
        switch self {
        case .botName: "The bot's name."
        case .botDescription: "The bot's description."
        case .botSceneDesc: "The scene the bot plays in."
        case .userName: "The user's name, or empty."
        case .userAge: "The user's age in years, or empty."
        case .userGender: "The user's gender, or empty."
        case .userMessage: "The message being answered."
        case .conversationHistory: "The recent turns, one `Name: text` line each, oldest first."
        case .userAstroData: "The user's birth details (date, time, place) for astrology, or empty."
        case .userMemories:
            "What the user told earlier sessions (empty until memories are stored: sections on it stay absent)."
        case .firstProfileKundli:
            "The user's birth chart from the astrology source (empty until external data is configured)."
        case .secondProfileKundli:
            "A second person's birth chart, for questions about two people (empty until external data is configured)."
        case .currentTime: "The time now (`02:45 PM`) in the user's, else the bot's, else the app's time zone."
        case .currentDate: "Today's date (`05 January 2026`, day zero-padded) in that time zone."
        case .currentTime24h: "The time now on a 24-hour clock (`14:45`) in that time zone."
        case .currentDateISO: "Today's date as `2026-01-15` in that time zone."
        case .dayOfWeek: "Today's weekday (Monday…) in that time zone."
        case .randomNumber1To4: "A random whole number from 1 to 4, drawn per turn."
        case .languageInstruction: "How to answer in the user's language (held as data per app and language)."
        case .responseLength:
            "How long to answer: the user's preference, else the bot's `metadata.response_length` (an instruction text)."
        }
    }
}
