import Foundation

/// One row of a request's attempt log: what was tried, and how it ended.
public struct AttemptRecord: Sendable, Equatable, Codable {
    public enum Outcome: Sendable, Equatable {
        case success
        case failed(ProviderFailure.Kind)
        /// The provider has no credentials or is not configured; nothing was sent.
        case skippedUnavailable
        /// The target is cooling down; nothing was sent.
        case skippedCooldown

        /// Reads a wire name back. - Returns: nil for a name it does not know.
        public init?(name: String) {
            switch name {
            case "success": self = .success
            case "skipped_unavailable": self = .skippedUnavailable
            case "skipped_cooldown": self = .skippedCooldown
            default:
                guard let kind = ProviderFailure.Kind(rawValue: name) else { return nil }
                self = .failed(kind)
            }
        }

        /// The wire name, as in the `attempts[].outcome` field.
        public var name: String {
            switch self {
            case .success: "success"
            case .failed(let kind): kind.rawValue
            case .skippedUnavailable: "skipped_unavailable"
            case .skippedCooldown: "skipped_cooldown"
            }
        }
    }

    public var provider: String
    public var model: String
    public var regionName: String?
    public var outcome: Outcome
    public var latencyMilliseconds: Int
    public var status: Int?
    public var usage: Usage?
    /// What the attempt cost, in nano-dollars (10⁻⁹ USD), from the price table: 0 when no tokens were reported, nil
    /// when tokens of a model the table does not price were. Written as `cost` in dollars.
    public var cost: Int64?
    /// A stream's time to its first content token.
    public var timeToFirstTokenMilliseconds: Int?

    /// - Parameters:
    ///   - target: What was tried.
    ///   - outcome: How it ended.
    ///   - latency: How long it took.
    ///   - status: The upstream HTTP status, if any.
    ///   - usage: Token counts, on success (or of a cut stream).
    ///   - cost: Its cost in nano-dollars, if known.
    public init(
        target: Target, outcome: Outcome, latency: Duration = .zero, status: Int? = nil, usage: Usage? = nil,
        cost: Int64? = 0
    ) {
        provider = target.provider
        model = target.model
        regionName = target.regionName
        self.outcome = outcome
        latencyMilliseconds = latency.milliseconds
        self.status = status
        self.usage = usage
        self.cost = cost
    }

    enum CodingKeys: String, CodingKey {
        case provider, model, outcome, status, usage, cost
        case regionName = "region_name"
        case latencyMilliseconds = "latency_ms"
        case timeToFirstTokenMilliseconds = "ttft_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(provider, forKey: .provider)
        try container.encode(model, forKey: .model)
        try container.encodeIfPresent(regionName, forKey: .regionName)
        try container.encode(outcome.name, forKey: .outcome)
        try container.encode(latencyMilliseconds, forKey: .latencyMilliseconds)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(usage, forKey: .usage)
        try container.encode(cost.map(NanoDollars.decimal), forKey: .cost)
        try container.encodeIfPresent(timeToFirstTokenMilliseconds, forKey: .timeToFirstTokenMilliseconds)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        provider = try container.decode(String.self, forKey: .provider)
        model = try container.decode(String.self, forKey: .model)
        regionName = try container.decodeIfPresent(String.self, forKey: .regionName)
        let name = try container.decode(String.self, forKey: .outcome)
        guard let outcome = Outcome(name: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: .outcome, in: container, debugDescription: "unknown outcome \(name)")
        }
        self.outcome = outcome
        latencyMilliseconds = try container.decode(Int.self, forKey: .latencyMilliseconds)
        status = try container.decodeIfPresent(Int.self, forKey: .status)
        usage = try container.decodeIfPresent(Usage.self, forKey: .usage)
        cost = try container.decodeIfPresent(Decimal.self, forKey: .cost).map(NanoDollars.nanos)
        timeToFirstTokenMilliseconds = try container.decodeIfPresent(Int.self, forKey: .timeToFirstTokenMilliseconds)
    }
}
