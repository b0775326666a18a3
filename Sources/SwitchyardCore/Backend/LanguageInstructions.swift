/// One language instruction: how to answer users of an app who speak a language. `*` as the app means any app;
/// `*` as the language is the app's (or, with app `*`, the global) default.
public struct LanguageInstruction: Sendable, Equatable, Codable {
    public var app: String
    public var language: String
    public var text: String

    public init(app: String, language: String, text: String) {
        self.app = app
        self.language = language
        self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case app, language, text
    }
}

/// The language instructions keyed by `(app, language)`, as the reference keys its language blob.
public struct LanguageInstructions: Sendable, Equatable {
    public static let any = "*"

    /// The reference's entries and its fallback (Hinglish), shipped as defaults.
    public static let defaults = LanguageInstructions([
        LanguageInstruction(app: any, language: "hi", text: "Modern Hindi language, written in Devanagari font."),
        LanguageInstruction(
            app: any, language: "hinglish",
            text: "Modern Hindi language, written in Roman font. Do not use Devanagari font."),
        LanguageInstruction(app: any, language: "en", text: "Modern English language."),
        LanguageInstruction(
            app: any, language: any, text: "Modern Hindi language, written in Roman font. Do not use Devanagari font."),
    ])

    private struct Key: Hashable {
        var app: String
        var language: String
    }

    private var entries: [Key: String]

    /// - Parameter instructions: The entries; a later one replaces an earlier one with the same key.
    public init(_ instructions: [LanguageInstruction] = []) {
        entries = [:]
        self = merging(instructions)
    }

    /// Every entry, sorted by app then language.
    public var all: [LanguageInstruction] {
        entries.map { LanguageInstruction(app: $0.key.app, language: $0.key.language, text: $0.value) }
            .sorted { ($0.app, $0.language) < ($1.app, $1.language) }
    }

    /// These entries with `overrides` laid over them.
    public func merging(_ overrides: [LanguageInstruction]) -> LanguageInstructions {
        var merged = self
        for instruction in overrides {
            merged.entries[Key(app: instruction.app, language: instruction.language)] = instruction.text
        }
        return merged
    }

    /// The instruction for a user: the app's entry for the language, else any app's, else the app's default, else
    /// the global default, else nothing.
    /// - Parameters:
    ///   - app: The app (from the token's `app` claim), or nil.
    ///   - language: The user's language, or nil.
    public func instruction(app: String?, language: String?) -> String {
        let app = app ?? Self.any
        let language = language?.lowercased() ?? Self.any
        for (a, l) in [(app, language), (Self.any, language), (app, Self.any), (Self.any, Self.any)] {
            if let text = entries[Key(app: a, language: l)] { return text }
        }
        return ""
    }
}
