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
    case profileDetails1 = "profile_details_1"
    case profileDetails2 = "profile_details_2"
    case memories
    case weather
    case userBirthDetails = "user_birth_details"

    /// Where a variable's value comes from.
    public enum Category: String, Sendable, Codable {
        case bot, user, system, common, external
    }

    public var category: Category {
        switch self {
        case .botName, .botDescription, .botSceneDesc: .bot
        case .userName, .userAge, .userGender, .userMessage, .conversationHistory, .languageInstruction,
            .responseLength, .userBirthDetails:
            .user
        case .currentTime, .currentDate, .dayOfWeek, .currentTime24h, .currentDateISO: .system
        case .randomNumber1To4: .common
        case .userAstroData, .userMemories, .firstProfileKundli, .secondProfileKundli, .profileDetails1,
            .profileDetails2, .memories, .weather:
            .external
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
        case .userAstroData:
            "The user's birth chart when the bot lists the `astrology` source, else their birth details as a sentence."
        case .userBirthDetails: "The user's birth details (date, time, place) as a sentence, or empty."
        case .profileDetails1, .firstProfileKundli:
            "The user's birth chart from the `astrology` source (empty when the bot does not list it)."
        case .profileDetails2, .secondProfileKundli:
            "The chart of the saved profile the request names (`second_profile_id`), for questions about two people."
        case .memories, .userMemories:
            "What the bot remembers about the user (`/v1/bots/{slug}/memories`); empty when nothing is stored."
        case .weather: "The forecast at the user's `location` from the `weather` source."
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
