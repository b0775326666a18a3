import Foundation
import SwitchyardCore

/// The structured parts of the JSON configuration file: routing and provider declarations. Scalar settings in the
/// same file are read through swift-configuration (see ``SettingsLoader``), so that environment variables override
/// them.
struct ConfigurationFile: Decodable {
    struct ProviderEntry: Decodable {
        /// `openai`, `groq`, `openrouter`, `byteplus`, `mistral`, `openai-compatible`, `mock`; defaults to the id.
        var kind: String?
        var apiKey: String?
        /// The name of an environment variable that holds the key.
        var apiKeyEnv: String?
        var baseURL: String?
        var headers: [String: String]?
        var latencyMs: Int?
        var failureRate: Double?
        var streamChunkDelayMs: Int?
        /// Bedrock's default region.
        var region: String?

        enum CodingKeys: String, CodingKey {
            case kind, headers, region
            case apiKey = "api_key"
            case apiKeyEnv = "api_key_env"
            case baseURL = "base_url"
            case latencyMs = "latency_ms"
            case failureRate = "failure_rate"
            case streamChunkDelayMs = "stream_chunk_delay_ms"
        }
    }

    struct Auth: Decodable {
        var rs256PublicKeys: [String]?
        var es256PublicKeys: [String]?

        enum CodingKeys: String, CodingKey {
            case rs256PublicKeys = "rs256_public_keys"
            case es256PublicKeys = "es256_public_keys"
        }
    }

    var routing: RoutingTable
    var providers: [String: ProviderEntry]
    /// `prices`: what each attempt costs.
    var prices: PriceTable
    /// `rate_limits`: token buckets per service and per end user.
    var rateLimits: RateLimitRules
    var auth: Auth?
    /// `backend.language_instructions`: how to answer, by app and language.
    var languageInstructions: [LanguageInstruction]?
    /// `backend.response_lengths`: the instruction text of `short`, `medium` and `long`.
    var responseLengths: [ResponseLength: String]?
    /// `external_data`: the sources prompts may use.
    var externalData: ExternalDataSection?

    struct Backend: Decodable {
        /// `{"<language>": "text"}` for any app, or `{"<app>": {"<language>": "text"}}`; `*` is any app or the
        /// default language.
        var languageInstructions: [String: JSONValue]?
        var responseLengths: [String: String]?

        enum CodingKeys: String, CodingKey {
            case languageInstructions = "language_instructions"
            case responseLengths = "response_lengths"
        }

        func instructions() throws -> [LanguageInstruction]? {
            guard let languageInstructions else { return nil }
            var entries: [LanguageInstruction] = []
            for (key, value) in languageInstructions {
                switch value {
                case .string(let text):
                    entries.append(LanguageInstruction(app: LanguageInstructions.any, language: key, text: text))
                case .object(let languages):
                    for (language, text) in languages {
                        guard case .string(let text) = text else {
                            throw SettingsError("`backend.language_instructions.\(key).\(language)` must be a text.")
                        }
                        entries.append(LanguageInstruction(app: key, language: language, text: text))
                    }
                default:
                    throw SettingsError(
                        "`backend.language_instructions.\(key)` must be a text (any app) or a mapping of languages.")
                }
            }
            return entries
        }

        func lengths() throws -> [ResponseLength: String]? {
            guard let responseLengths else { return nil }
            var lengths = ResponseLengthTexts.defaults
            for (key, text) in responseLengths {
                guard let length = ResponseLength(rawValue: key) else {
                    throw SettingsError("`backend.response_lengths` takes `short`, `medium` and `long`; got `\(key)`.")
                }
                lengths[length] = text
            }
            return lengths
        }
    }

    enum CodingKeys: String, CodingKey {
        case routing, providers, auth, backend, prices
        case rateLimits = "rate_limits"
        case externalData = "external_data"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        routing = try container.decodeIfPresent(RoutingTable.self, forKey: .routing) ?? RoutingTable()
        providers = try container.decodeIfPresent([String: ProviderEntry].self, forKey: .providers) ?? [:]
        auth = try container.decodeIfPresent(Auth.self, forKey: .auth)
        prices = try container.decodeIfPresent(PriceSection.self, forKey: .prices)?.table() ?? PriceTable()
        rateLimits =
            try container.decodeIfPresent(RateLimitSection.self, forKey: .rateLimits)?.rules() ?? RateLimitRules()
        externalData = try container.decodeIfPresent(ExternalDataSection.self, forKey: .externalData)
        let backend = try container.decodeIfPresent(Backend.self, forKey: .backend)
        languageInstructions = try backend?.instructions()
        responseLengths = try backend?.lengths()
    }

    /// - Parameter path: The file.
    /// - Throws: ``SettingsError`` naming the file and the problem.
    static func load(path: String) throws -> ConfigurationFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SettingsError("Cannot read the configuration file \(path).")
        }
        do {
            return try JSONDecoder().decode(ConfigurationFile.self, from: data)
        } catch let error as DecodingError {
            throw SettingsError("The configuration file \(path) is invalid: \(SettingsError.describe(error))")
        } catch let error as SettingsError {
            throw SettingsError("The configuration file \(path) is invalid: \(error.description)")
        } catch {
            throw SettingsError("The configuration file \(path) is not valid JSON.")
        }
    }
}

/// A configuration problem, described for the operator who must fix it.
public struct SettingsError: Error, CustomStringConvertible, Sendable {
    public var description: String

    init(_ description: String) {
        self.description = description
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing `\(path(context.codingPath + [key]))`"
        case .typeMismatch(_, let context): return "wrong type at `\(path(context.codingPath))`"
        case .valueNotFound(_, let context): return "null at `\(path(context.codingPath))`"
        case .dataCorrupted(let context): return "\(context.debugDescription) at `\(path(context.codingPath))`"
        @unknown default: return "unreadable"
        }
    }
}
