import Foundation
import SwitchyardCore

/// The external data the backend may fetch: the configuration file's `external_data` section, with credentials and
/// base URLs from the environment.
///
/// ```json
/// "external_data": {
///   "sources": {
///     "astrology": { "freshness_seconds": 86400, "max_stale_seconds": 604800 },
///     "weather": { "process_ttl_seconds": 600, "timeout_seconds": 5 }
///   }
/// }
/// ```
/// A source is available only when declared. `astrology` needs `ASTROLOGY_API_USER_ID` and `ASTROLOGY_API_KEY`
/// (base `ASTROLOGY_API_BASE_URL`, default `https://json.astrologyapi.com`); `weather` uses `OPEN_METEO_BASE_URL`
/// (default `https://api.open-meteo.com`); places are geocoded at `OPEN_METEO_GEOCODING_BASE_URL` (default
/// `https://geocoding-api.open-meteo.com`). A `base_url` in a source's entry is used when the variable is unset.
public struct ExternalDataSettings: Sendable {
    public struct Source: Sendable {
        public var name: String
        public var baseURL: String
        public var settings: ExternalSourceSettings
        /// AstrologyAPI's user id and key.
        public var credentials: (userID: String, apiKey: Secret)?

        public init(
            name: String, baseURL: String, settings: ExternalSourceSettings,
            credentials: (userID: String, apiKey: Secret)? = nil
        ) {
            self.name = name
            self.baseURL = baseURL
            self.settings = settings
            self.credentials = credentials
        }
    }

    public var sources: [Source] = []
    public var geocodingBaseURL = "https://geocoding-api.open-meteo.com"

    public init() {}
}

struct ExternalDataSection: Decodable {
    struct Entry: Decodable {
        var baseURL: String?
        var processTTLSeconds: Int?
        var sharedTTLSeconds: Int?
        var freshnessSeconds: Int?
        var maxStaleSeconds: Int?
        var timeoutSeconds: Int?

        enum CodingKeys: String, CodingKey {
            case baseURL = "base_url"
            case processTTLSeconds = "process_ttl_seconds"
            case sharedTTLSeconds = "shared_ttl_seconds"
            case freshnessSeconds = "freshness_seconds"
            case maxStaleSeconds = "max_stale_seconds"
            case timeoutSeconds = "timeout_seconds"
        }

        func settings(_ name: String, defaults: ExternalSourceSettings) throws -> ExternalSourceSettings {
            func seconds(
                _ value: Int?, _ key: String, _ fallback: TimeInterval, range: ClosedRange<Int>
            ) throws
                -> TimeInterval
            {
                guard let value else { return fallback }
                guard range.contains(value) else {
                    throw SettingsError(
                        "`external_data.sources.\(name).\(key)` must be \(range.lowerBound) to \(range.upperBound); "
                            + "got \(value).")
                }
                return TimeInterval(value)
            }
            let year = 366 * 86_400
            return ExternalSourceSettings(
                processTTL: try seconds(processTTLSeconds, "process_ttl_seconds", defaults.processTTL, range: 1...year),
                sharedTTL: try seconds(sharedTTLSeconds, "shared_ttl_seconds", defaults.sharedTTL, range: 1...year),
                freshness: try seconds(freshnessSeconds, "freshness_seconds", defaults.freshness, range: 1...year),
                maxStale: try seconds(maxStaleSeconds, "max_stale_seconds", defaults.maxStale, range: 0...year),
                timeout: .seconds(
                    try seconds(
                        timeoutSeconds, "timeout_seconds", Double(defaults.timeout.components.seconds), range: 1...120))
            )
        }
    }

    var sources: [String: Entry]?

    /// - Throws: ``SettingsError`` for an unknown source, numbers out of range, or missing credentials.
    func settings(environment: [String: String]) throws -> ExternalDataSettings {
        func variable(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingWhitespace(), !value.isEmpty else { return nil }
            return value
        }
        var result = ExternalDataSettings()
        result.geocodingBaseURL = variable("OPEN_METEO_GEOCODING_BASE_URL") ?? result.geocodingBaseURL
        for (name, entry) in (sources ?? [:]).sorted(by: { $0.key < $1.key }) {
            switch name {
            case "astrology":
                guard let user = variable("ASTROLOGY_API_USER_ID"), let key = variable("ASTROLOGY_API_KEY") else {
                    throw SettingsError(
                        "`external_data.sources.astrology` needs ASTROLOGY_API_USER_ID and ASTROLOGY_API_KEY.")
                }
                result.sources.append(
                    .init(
                        name: name,
                        baseURL: variable("ASTROLOGY_API_BASE_URL") ?? entry.baseURL ?? "https://json.astrologyapi.com",
                        settings: try entry.settings(name, defaults: .astrology), credentials: (user, Secret(key))))
            case "weather":
                result.sources.append(
                    .init(
                        name: name,
                        baseURL: variable("OPEN_METEO_BASE_URL") ?? entry.baseURL ?? "https://api.open-meteo.com",
                        settings: try entry.settings(name, defaults: .weather), credentials: nil))
            default:
                throw SettingsError(
                    "Unknown source `external_data.sources.\(name)`; known: "
                        + DataSourceUse.known.sorted().joined(separator: ", ") + ".")
            }
        }
        return result
    }
}
