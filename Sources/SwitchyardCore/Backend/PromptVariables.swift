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

    /// Where a variable's value comes from.
    public enum Category: String, Sendable, Codable {
        case bot, user, system, common, external
    }

    public var category: Category {
        switch self {
        case .botName, .botDescription, .botSceneDesc: .bot
        case .userName, .userAge, .userGender, .userMessage, .conversationHistory, .languageInstruction: .user
        case .currentTime, .currentDate, .dayOfWeek: .system
        case .randomNumber1To4: .common
        case .userAstroData: .external
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
        case .currentTime: "The time now (HH:mm) in the user's, else the bot's, else the app's time zone."
        case .currentDate: "Today's date (yyyy-MM-dd) in that time zone."
        case .dayOfWeek: "Today's weekday (Monday…) in that time zone."
        case .randomNumber1To4: "A random whole number from 1 to 4, drawn per turn."
        case .languageInstruction: "How to answer in the user's language (held as data per app and language)."
        }
    }
}
