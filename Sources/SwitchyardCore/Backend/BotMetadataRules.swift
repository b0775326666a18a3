import Foundation

/// What kind of bot it is: a fixed set, so that lists and filters agree.
public enum BotType: String, Sendable, Codable, CaseIterable {
    case companion
    case assistant
    case expert
    case astrologer
    case tutor
    case coach
    case character
}

/// How long replies should be: the bot's setting, which a user's preference overrides.
public enum ResponseLength: String, Sendable, Codable, CaseIterable {
    case short
    case medium
    case long
}

/// The instruction text of each response length, as data (`backend.response_lengths` in the configuration file).
public enum ResponseLengthTexts {
    public static let defaults: [ResponseLength: String] = [
        .short: "Answer in one to three short sentences.",
        .medium: "Answer in one short paragraph of four to six sentences.",
        .long: "Answer in detail, in up to four paragraphs.",
    ]
}

/// What a prompt template sends the model.
public enum PromptOutput: String, Sendable, Codable, CaseIterable {
    /// The structure as YAML text (the default for YAML templates).
    case yaml
    /// The same structure as JSON text, keys in the written order.
    case json
    /// Plain paragraphs.
    case text
}

/// A profile field a bot may require before it answers.
public enum ProfileField: String, Sendable, Codable, CaseIterable {
    case name
    case age
    case gender
    case timeZone = "time_zone"
    case language
    case birthDate = "birth_date"
    case birthTime = "birth_time"
    case birthPlace = "birth_place"

    /// - Returns: Whether the user has no usable value for it.
    public func isMissing(in user: User) -> Bool {
        func blank(_ text: String?) -> Bool { text?.trimmingWhitespace().isEmpty ?? true }
        switch self {
        case .name: return blank(user.name)
        case .age: return user.age == nil
        case .gender: return blank(user.gender)
        case .timeZone: return blank(user.timeZone)
        case .language: return blank(user.language)
        case .birthDate: return blank(user.birthDate)
        case .birthTime: return blank(user.birthTime)
        case .birthPlace: return blank(user.birthPlace)
        }
    }
}

/// The checks on a bot's or a config's free metadata: a bounded size, and the keys Switchyard reads typed.
public enum BotMetadataRules {
    /// The largest metadata accepted, as compact JSON.
    public static let maximumBytes = 16_384
    public static let maximumDepth = 8

    /// - Returns: A sentence naming the problem (and a `param`), or nil when the bot metadata is acceptable.
    public static func botProblem(_ metadata: [String: JSONValue]) -> (message: String, param: String)? {
        if let problem = sizeProblem(metadata) { return problem }
        if let fields = metadata["required_fields"] {
            guard case .array(let items) = fields else {
                return ("`metadata.required_fields` must be a list of profile field names.", "metadata.required_fields")
            }
            for item in items {
                guard case .string(let name) = item, ProfileField(rawValue: name) != nil else {
                    return (
                        "`metadata.required_fields` names an unknown field \(item.jsonText). Known fields: "
                            + ProfileField.allCases.map(\.rawValue).joined(separator: ", ") + ".",
                        "metadata.required_fields"
                    )
                }
            }
        }
        if let length = metadata["response_length"] {
            guard case .string(let value) = length, ResponseLength(rawValue: value) != nil else {
                return ("`metadata.response_length` must be `short`, `medium` or `long`.", "metadata.response_length")
            }
        }
        if case .failure(let problem) = DataSourceUse.parse(metadata["data_sources"]) {
            return (problem.message, "metadata.data_sources")
        }
        if let rating = metadata["character_rating"], rating.number == nil {
            return ("`metadata.character_rating` must be a number.", "metadata.character_rating")
        }
        return nil
    }

    /// - Returns: The size problem of any metadata object, or nil.
    public static func sizeProblem(_ metadata: [String: JSONValue]) -> (message: String, param: String)? {
        let value = JSONValue.object(metadata)
        if value.depth > maximumDepth {
            return ("`metadata` nests deeper than \(maximumDepth) levels.", "metadata")
        }
        if value.jsonText.utf8.count > maximumBytes {
            return ("`metadata` is larger than \(maximumBytes) bytes of JSON.", "metadata")
        }
        return nil
    }
}

extension Bot {
    /// `metadata.data_sources`: the external data its prompt needs (invalid lists were refused when saved).
    public var dataSources: [DataSourceUse] {
        (try? DataSourceUse.parse(metadata["data_sources"]).get()) ?? []
    }

    /// `metadata.required_fields`: what a user's profile must hold before the bot answers.
    public var requiredFields: [ProfileField] {
        guard case .array(let items)? = metadata["required_fields"] else { return [] }
        return items.compactMap { $0.string.flatMap(ProfileField.init(rawValue:)) }
    }

    /// `metadata.response_length`, if set.
    public var responseLength: ResponseLength? {
        metadata["response_length"]?.string.flatMap(ResponseLength.init(rawValue:))
    }
}

/// Profile text on its way into a prompt: trimmed, without control characters, and capped.
public enum ProfileText {
    /// - Parameters:
    ///   - text: The user-supplied text.
    ///   - limit: The most characters kept.
    /// - Returns: The cleaned text (empty when nil).
    public static func sanitized(_ text: String?, limit: Int = 200) -> String {
        guard let text else { return "" }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator:
                // A line break becomes a space: a name must not start a new line of the prompt.
                if scalar == "\n" || scalar == "\r" || scalar == "\t" { scalars.append(" ") }
            default:
                scalars.append(scalar)
            }
        }
        let cleaned = String(scalars).trimmingWhitespace()
        return cleaned.count > limit ? String(cleaned.prefix(limit)).trimmingWhitespace() : cleaned
    }
}
