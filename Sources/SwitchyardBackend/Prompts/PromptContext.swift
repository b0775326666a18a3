import Foundation
import SwitchyardCore

/// What the variables of one turn are computed from.
public struct PromptContext: Sendable {
    public var bot: Bot
    public var user: User
    public var message: String
    /// Earlier messages of the session, oldest first.
    public var history: [StoredMessage]
    public var now: Date
    /// The app's time zone: the last resort for time variables, configured, never an implicit UTC.
    public var appTimeZone: TimeZone
    /// Language instructions, by language code (`en`, `hi`, `hinglish`).
    public var languageInstructions: [String: String]
    /// Draws `random_number_1_4`; injected so tests are deterministic.
    public var random: @Sendable (ClosedRange<Int>) -> Int

    public init(
        bot: Bot, user: User, message: String, history: [StoredMessage], now: Date = Date(),
        appTimeZone: TimeZone, languageInstructions: [String: String] = [:],
        random: @escaping @Sendable (ClosedRange<Int>) -> Int = { Int.random(in: $0) }
    ) {
        self.bot = bot
        self.user = user
        self.message = message
        self.history = history
        self.now = now
        self.appTimeZone = appTimeZone
        self.languageInstructions = languageInstructions
        self.random = random
    }

    /// The zone time variables use: the user's, else the bot's, else the app's.
    public var timeZone: TimeZone {
        [user.timeZone, bot.timeZone].compactMap { $0.flatMap(TimeZone.init(identifier:)) }.first ?? appTimeZone
    }
}

/// Resolves the variables a template uses, and only those.
public enum PromptVariableResolver {
    /// - Parameters:
    ///   - variables: The variables the template uses.
    ///   - context: The turn.
    /// - Returns: Their values; an unknown value is the empty string.
    public static func resolve(_ variables: Set<PromptVariable>, context: PromptContext) -> [String: String] {
        var values: [String: String] = [:]
        for variable in variables {
            values[variable.rawValue] = value(of: variable, context: context)
        }
        return values
    }

    static func value(of variable: PromptVariable, context: PromptContext) -> String {
        let user = context.user
        switch variable {
        case .botName: return context.bot.name
        case .botDescription: return context.bot.description
        case .botSceneDesc: return context.bot.sceneDescription
        case .userName: return user.name ?? ""
        case .userAge: return user.age.map(String.init) ?? ""
        case .userGender: return user.gender ?? ""
        case .userMessage: return context.message
        case .conversationHistory:
            return context.history.map { message in
                let speaker = message.role == .assistant ? context.bot.name : (user.name ?? "User")
                return "\(speaker): \(message.content)"
            }.joined(separator: "\n")
        case .userAstroData:
            let parts = [
                user.birthDate.map { "born \($0)" }, user.birthTime.map { "at \($0)" },
                user.birthPlace.map { "in \($0)" },
            ].compactMap { $0 }
            return parts.joined(separator: " ")
        case .currentTime: return format(context, "HH:mm")
        case .currentDate: return format(context, "yyyy-MM-dd")
        case .dayOfWeek: return format(context, "EEEE")
        case .randomNumber1To4: return String(context.random(1...4))
        case .languageInstruction:
            let language = user.language ?? "en"
            return context.languageInstructions[language] ?? context.languageInstructions["en"] ?? ""
        }
    }

    private static func format(_ context: PromptContext, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = context.timeZone
        formatter.dateFormat = pattern
        return formatter.string(from: context.now)
    }
}
