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
    /// Language instructions, by app and language.
    public var languageInstructions: LanguageInstructions
    /// The app the user's token names (`app` claim), if any.
    public var app: String?
    /// The instruction text of each response length.
    public var responseLengths: [ResponseLength: String]
    /// Draws `random_number_1_4`; injected so tests are deterministic.
    public var random: @Sendable (ClosedRange<Int>) -> Int
    /// The zone time variables use: the user's, else the bot's, else the app's.
    public let timeZone: TimeZone
    /// External data loaded for this turn, by the variable that shows it.
    public var external: [PromptVariable: FormattedData] = [:]

    public init(
        bot: Bot, user: User, message: String, history: [StoredMessage], now: Date = Date(),
        appTimeZone: TimeZone, languageInstructions: LanguageInstructions = .defaults, app: String? = nil,
        responseLengths: [ResponseLength: String] = ResponseLengthTexts.defaults,
        random: @escaping @Sendable (ClosedRange<Int>) -> Int = { Int.random(in: $0) },
        zone: (String) -> TimeZone? = { TimeZone(identifier: $0) }
    ) {
        self.bot = bot
        self.user = user
        self.message = message
        self.history = history
        self.now = now
        self.appTimeZone = appTimeZone
        self.languageInstructions = languageInstructions
        self.app = app
        self.responseLengths = responseLengths
        self.random = random
        var chosen = appTimeZone
        for name in [bot.timeZone, user.timeZone].compactMap({ $0 }) {
            if let found = zone(name) { chosen = found }
        }
        timeZone = chosen
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
        let needsTime = !variables.isDisjoint(with: [
            .currentTime, .currentDate, .dayOfWeek, .currentTime24h, .currentDateISO,
        ])
        let local = needsTime ? LocalTime(context.now, in: context.timeZone) : nil
        for variable in variables {
            values[variable.rawValue] = value(of: variable, context: context, local: local)
        }
        return values
    }

    /// `value` in decimal, zero-padded to `width` digits.
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// The longest profile texts that reach a prompt.
    static let nameLimit = 80
    static let placeLimit = 120

    static func value(of variable: PromptVariable, context: PromptContext, local: LocalTime?) -> String {
        let user = context.user
        // User-supplied profile text is sanitized: trimmed, no control characters, capped. Values are inserted as
        // text, never parsed as templates, so `{{bot_name}}` in a name stays literal.
        let userName = ProfileText.sanitized(user.name, limit: nameLimit)
        switch variable {
        case .botName: return context.bot.name
        case .botDescription: return context.bot.description
        case .botSceneDesc: return context.bot.sceneDescription
        case .userName: return userName
        case .userAge: return user.age.map(String.init) ?? ""
        case .userGender: return ProfileText.sanitized(user.gender, limit: 40)
        case .userMessage: return context.message
        case .conversationHistory:
            return context.history.map { message in
                let speaker = message.role == .assistant ? context.bot.name : (userName.isEmpty ? "User" : userName)
                return "\(speaker): \(message.content)"
            }.joined(separator: "\n")
        case .userAstroData:
            if let chart = context.external[.userAstroData] { return chart.markdown }
            return birthSentence(user)
        case .userBirthDetails:
            return birthSentence(user)
        case .userMemories, .firstProfileKundli, .secondProfileKundli, .profileDetails1, .profileDetails2, .memories,
            .weather:
            return context.external[variable]?.markdown ?? ""
        case .currentTime:
            let parts = local ?? LocalTime(context.now, in: context.timeZone)
            let hour = parts.hour % 12 == 0 ? 12 : parts.hour % 12
            return "\(padded(hour, 2)):\(padded(parts.minute, 2)) \(parts.hour < 12 ? "AM" : "PM")"
        case .currentTime24h:
            let parts = local ?? LocalTime(context.now, in: context.timeZone)
            return "\(padded(parts.hour, 2)):\(padded(parts.minute, 2))"
        case .currentDate:
            let parts = local ?? LocalTime(context.now, in: context.timeZone)
            return "\(padded(parts.day, 2)) \(LocalTime.months[(parts.month + 11) % 12]) \(parts.year)"
        case .currentDateISO:
            let parts = local ?? LocalTime(context.now, in: context.timeZone)
            return "\(padded(parts.year, 4))-\(padded(parts.month, 2))-\(padded(parts.day, 2))"
        case .dayOfWeek: return (local ?? LocalTime(context.now, in: context.timeZone)).weekdayName
        case .randomNumber1To4: return String(context.random(1...4))
        case .languageInstruction:
            return context.languageInstructions.instruction(app: context.app, language: user.language)
        case .responseLength:
            let length = user.responseLength ?? context.bot.responseLength ?? .medium
            return context.responseLengths[length] ?? ""
        }
    }
}

extension PromptVariableResolver {
    /// `born 1994-03-02 at 06:15 in Pune, India`, from what the profile holds.
    static func birthSentence(_ user: User) -> String {
        [
            user.birthDate.map { "born \(ProfileText.sanitized($0, limit: 20))" },
            user.birthTime.map { "at \(ProfileText.sanitized($0, limit: 20))" },
            user.birthPlace.map { "in \(ProfileText.sanitized($0, limit: placeLimit))" },
        ].compactMap { $0 }.joined(separator: " ")
    }
}

/// The wall-clock parts of an instant in a time zone (a Gregorian calendar, no formatter per call).
struct LocalTime {
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var weekday: Int

    init(_ date: Date, in zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        year = parts.year ?? 0
        month = parts.month ?? 0
        day = parts.day ?? 0
        hour = parts.hour ?? 0
        minute = parts.minute ?? 0
        weekday = parts.weekday ?? 1
    }

    var weekdayName: String { Self.weekdays[(weekday - 1) % 7] }
}
