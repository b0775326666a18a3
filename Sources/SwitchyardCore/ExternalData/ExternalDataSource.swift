import Foundation

/// A source of external data that prompts use: a birth chart, a forecast. One protocol for every source: a cache
/// key from the inputs, a fetch that runs the pipeline (validate → normalize → enrich), the prompt formatting, the
/// per-source settings, and classified errors (``ExternalDataError``).
///
/// The layers in front of it (a per-turn memo, the process cache, the shared table, the database record) belong to
/// the caller; a source only knows how to get a fresh value from its API.
public protocol ExternalDataSource: Sendable {
    /// The name bots list in `metadata.data_sources` (`astrology`, `weather`).
    var name: String { get }
    /// TTLs, freshness, max-stale and timeout.
    var settings: ExternalSourceSettings { get }
    /// What the source needs from the subject, as a key that changes whenever the answer would.
    /// - Throws: ``ExternalDataError/missingInput(_:)`` when the subject lacks what the source needs.
    func cacheKey(for subject: DataSubject) throws(ExternalDataError) -> String
    /// The place the source needs resolved first (geocoded), if any.
    func placeQuery(for subject: DataSubject) -> PlaceQuery?
    /// Calls the API and runs validate → normalize → enrich.
    /// - Parameters:
    ///   - subject: Whose data.
    ///   - place: The resolved place of ``placeQuery(for:)``, when it named one.
    ///   - now: The wall clock (the dasha running now, a forecast's day).
    /// - Returns: The normalized, enriched value as JSON (what every cache layer stores).
    func fetch(_ subject: DataSubject, place: GeoPlace?, now: Date) async throws(ExternalDataError) -> Data
    /// The prompt's view of a stored value: Markdown text and nested fields.
    /// - Throws: ``ExternalDataError/malformed(_:)`` when the stored value does not decode.
    func format(_ payload: Data) throws(ExternalDataError) -> FormattedData
}

/// How long each layer keeps a source's values, and how old a value may be served when the API fails.
public struct ExternalSourceSettings: Sendable, Equatable {
    /// The process-wide cache's TTL.
    public var processTTL: TimeInterval
    /// The shared (PostgreSQL) layer's TTL.
    public var sharedTTL: TimeInterval
    /// A database record younger than this is used without asking the API.
    public var freshness: TimeInterval
    /// When the API fails, a value younger than this is served (stale) instead of failing.
    public var maxStale: TimeInterval
    /// The limit for one API exchange.
    public var timeout: Duration

    public init(
        processTTL: TimeInterval, sharedTTL: TimeInterval, freshness: TimeInterval, maxStale: TimeInterval,
        timeout: Duration
    ) {
        self.processTTL = processTTL
        self.sharedTTL = sharedTTL
        self.freshness = freshness
        self.maxStale = maxStale
        self.timeout = timeout
    }

    /// A chart changes only when the running dasha does: a day fresh, a week stale.
    public static let astrology = ExternalSourceSettings(
        processTTL: 600, sharedTTL: 600, freshness: 86_400, maxStale: 7 * 86_400, timeout: .seconds(10))
    /// A forecast is fresh for half an hour and usable for six.
    public static let weather = ExternalSourceSettings(
        processTTL: 600, sharedTTL: 600, freshness: 1_800, maxStale: 6 * 3_600, timeout: .seconds(5))
}

/// Whose data a source is asked for: a birth profile (the user's own or a saved one) and a location.
public struct DataSubject: Sendable, Hashable {
    public var birth: BirthDetails?
    /// Where the person is now (the forecast's place).
    public var location: PlaceQuery?

    public init(birth: BirthDetails? = nil, location: PlaceQuery? = nil) {
        self.birth = birth
        self.location = location
    }
}

/// A birth moment and place.
public struct BirthDetails: Sendable, Hashable, Codable {
    /// `YYYY-MM-DD`.
    public var date: String
    /// `HH:MM`, local time at the birth place.
    public var time: String
    public var place: PlaceQuery

    public init(date: String, time: String, place: PlaceQuery) {
        self.date = date
        self.time = time
        self.place = place
    }

    /// The parts of ``date`` and ``time``; nil when either is malformed.
    public var parts: (year: Int, month: Int, day: Int, hour: Int, minute: Int)? {
        let dateParts = date.split(separator: "-").compactMap { Int($0) }
        let timeParts = time.split(separator: ":").compactMap { Int($0) }
        guard dateParts.count == 3, timeParts.count == 2, (1...12).contains(dateParts[1]),
            (1...31).contains(dateParts[2]), (0...23).contains(timeParts[0]), (0...59).contains(timeParts[1])
        else { return nil }
        return (dateParts[0], dateParts[1], dateParts[2], timeParts[0], timeParts[1])
    }
}

/// A place as a person gave it: a name to geocode, or coordinates with their time zone.
public struct PlaceQuery: Sendable, Hashable, Codable {
    public var name: String?
    public var latitude: Double?
    public var longitude: Double?
    /// The IANA zone at the coordinates (needed with them: the UTC offset at a birth moment comes from it).
    public var timeZone: String?

    public init(name: String? = nil, latitude: Double? = nil, longitude: Double? = nil, timeZone: String? = nil) {
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
        self.timeZone = timeZone
    }

    /// The place itself when coordinates and zone are given: no geocoding.
    public var direct: GeoPlace? {
        guard let latitude, let longitude, let timeZone else { return nil }
        return GeoPlace(name: name ?? "", latitude: latitude, longitude: longitude, timeZone: timeZone)
    }

    /// The name, trimmed, lowercased and with inner runs of spaces as one: the geocoding cache's key.
    public var normalizedName: String? {
        guard let name else { return nil }
        let words = name.lowercased().split(whereSeparator: { $0.isWhitespace })
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// A key part that names the place: its coordinates, else its normalized name.
    public var keyPart: String? {
        if let direct { return "\(Self.rounded(direct.latitude)),\(Self.rounded(direct.longitude)),\(direct.timeZone)" }
        return normalizedName
    }

    /// Four decimals (about 11 m): the same spot written twice gives one key.
    static func rounded(_ value: Double) -> String {
        String(format: "%.4f", value)
    }
}

/// A source's value formatted for a prompt: Markdown for text prompts, nested fields for YAML and JSON ones.
public struct FormattedData: Sendable, Equatable {
    public var markdown: String
    public var fields: PromptData

    public init(markdown: String, fields: PromptData) {
        self.markdown = markdown
        self.fields = fields
    }
}

/// Nested prompt data, in written order.
public indirect enum PromptData: Sendable, Equatable {
    case text(String)
    case fields([Field])
    case list([PromptData])

    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: PromptData

        public init(_ key: String, _ value: PromptData) {
            self.key = key
            self.value = value
        }
    }
}

/// Why a source has no value. `retryable` failures may be served stale; the others are the input's or the
/// answer's fault and are not retried.
public enum ExternalDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The subject lacks what the source needs (no birth time, no location); the text says what.
    case missingInput(String)
    /// The place could not be found by its name.
    case placeNotFound(String)
    /// The answer failed validation: nothing of it is cached or shown.
    case malformed(String)
    /// The API refused our credentials or request (4xx other than 429): not retryable.
    case rejected(status: Int, detail: String)
    /// The API is down, slow or rate limiting us: retryable, stale values may serve.
    case unavailable(detail: String, retryAfterSeconds: Int?)
    /// The source is listed by a bot but not declared in the configuration.
    case notConfigured(String)

    public var retryable: Bool {
        if case .unavailable = self { return true }
        return false
    }

    /// The counter label of the error.
    public var kind: String {
        switch self {
        case .missingInput: "missing_input"
        case .placeNotFound: "place_not_found"
        case .malformed: "malformed"
        case .rejected: "rejected"
        case .unavailable: "unavailable"
        case .notConfigured: "not_configured"
        }
    }

    public var description: String {
        switch self {
        case .missingInput(let what): "missing input: \(what)"
        case .placeNotFound(let name): "place not found: \(name)"
        case .malformed(let why): "malformed answer: \(why)"
        case .rejected(let status, let detail): "rejected with \(status): \(detail)"
        case .unavailable(let detail, _): "unavailable: \(detail)"
        case .notConfigured(let name): "source \(name) is not configured"
        }
    }
}

/// Where a source's value came from, for the counters.
public enum ExternalDataLayer: String, Sendable, CaseIterable {
    case memo, process, shared, record, api
}

/// What the external-data path counts per source: hits and misses per layer, API calls, failures, stale serves.
public protocol ExternalDataCounters: Sendable {
    func hit(source: String, layer: ExternalDataLayer)
    func miss(source: String, layer: ExternalDataLayer)
    func apiCall(source: String)
    func failure(source: String, kind: String)
    func staleServed(source: String)
}

/// Counts nothing.
public struct NoExternalDataCounters: ExternalDataCounters {
    public init() {}
    public func hit(source: String, layer: ExternalDataLayer) {}
    public func miss(source: String, layer: ExternalDataLayer) {}
    public func apiCall(source: String) {}
    public func failure(source: String, kind: String) {}
    public func staleServed(source: String) {}
}

/// Turns a place name into coordinates and a time zone (Open-Meteo's geocoding).
public protocol Geocoder: Sendable {
    /// - Returns: The best match, or nil when nothing matched.
    func search(_ query: String) async throws(ExternalDataError) -> GeoPlace?
}

/// A source a bot lists in `metadata.data_sources`: `"astrology"`, or `{"source": "weather", "optional": true}`.
/// A required source that fails refuses the turn (503, nothing charged); an optional one leaves its section out.
public struct DataSourceUse: Sendable, Equatable {
    public var name: String
    public var optional: Bool

    public init(name: String, optional: Bool = false) {
        self.name = name
        self.optional = optional
    }

    /// The known source names.
    public static let known: Set<String> = ["astrology", "weather"]

    /// Reads `metadata.data_sources`.
    /// - Returns: The uses, or a sentence naming the problem.
    public static func parse(_ value: JSONValue?) -> Result<[DataSourceUse], DataSourceListError> {
        guard let value else { return .success([]) }
        guard case .array(let items) = value else {
            return .failure(DataSourceListError(message: "`metadata.data_sources` must be a list of source names."))
        }
        var uses: [DataSourceUse] = []
        for item in items {
            var use: DataSourceUse
            switch item {
            case .string(let name):
                use = DataSourceUse(name: name)
            case .object(let fields):
                guard case .string(let name)? = fields["source"] else {
                    return .failure(
                        DataSourceListError(message: "Each `metadata.data_sources` object needs a `source` name."))
                }
                use = DataSourceUse(name: name)
                if let optional = fields["optional"] {
                    guard case .bool(let flag) = optional else {
                        return .failure(
                            DataSourceListError(message: "`optional` in `metadata.data_sources` must be true or false.")
                        )
                    }
                    use.optional = flag
                }
            default:
                return .failure(
                    DataSourceListError(
                        message: "`metadata.data_sources` items are names or {\"source\", \"optional\"} objects."))
            }
            guard known.contains(use.name) else {
                return .failure(
                    DataSourceListError(
                        message: "Unknown data source `\(use.name)` in `metadata.data_sources`; known: "
                            + known.sorted().joined(separator: ", ") + "."))
            }
            uses.append(use)
        }
        return .success(uses)
    }
}

public struct DataSourceListError: Error, Sendable, Equatable {
    public var message: String
}
