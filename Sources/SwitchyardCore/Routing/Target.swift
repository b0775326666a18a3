/// One place a request can be served: a provider, a model, and optionally a region.
public struct Target: Sendable, Equatable, Codable {
    public var provider: String
    public var model: String
    /// Retries of this same target before the chain moves on (retryable failures only).
    public var retry: Int
    /// Overrides the request's system instruction for this target.
    public var systemInstruction: String?
    /// Overrides the request's region for this target.
    public var regionName: String?

    /// - Parameters:
    ///   - provider: The provider id (`openai`, `gemini`, `bedrock`, …).
    ///   - model: The provider's model id.
    ///   - retry: Retries of this target before moving on.
    ///   - systemInstruction: A system instruction of its own, if any.
    ///   - regionName: A region of its own, if any.
    public init(
        provider: String,
        model: String,
        retry: Int = 0,
        systemInstruction: String? = nil,
        regionName: String? = nil
    ) {
        self.provider = provider
        self.model = model
        self.retry = retry
        self.systemInstruction = systemInstruction
        self.regionName = regionName
    }

    /// The identity used for cooldown and de-duplication.
    public var key: TargetKey { TargetKey(provider: provider, model: model, regionName: regionName) }

    enum CodingKeys: String, CodingKey {
        case provider, model, retry
        case systemInstruction = "system_instruction"
        case regionName = "region_name"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        provider = try container.decode(String.self, forKey: .provider)
        model = try container.decode(String.self, forKey: .model)
        retry = try container.decodeIfPresent(Int.self, forKey: .retry) ?? 0
        systemInstruction = try container.decodeIfPresent(String.self, forKey: .systemInstruction)
        regionName = try container.decodeIfPresent(String.self, forKey: .regionName)
    }
}

/// Identifies a target for cooldown bookkeeping and de-duplication.
public struct TargetKey: Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    public var model: String
    public var regionName: String?

    /// - Parameters:
    ///   - provider: The provider id.
    ///   - model: The model id.
    ///   - regionName: The region, if any.
    public init(provider: String, model: String, regionName: String? = nil) {
        self.provider = provider
        self.model = model
        self.regionName = regionName
    }

    public var description: String {
        regionName.map { "\(provider)/\(model)@\($0)" } ?? "\(provider)/\(model)"
    }
}
