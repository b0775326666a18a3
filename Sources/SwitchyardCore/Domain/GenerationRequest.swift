/// A generation request as the gateway's callers express it: a primary target, an optional explicit fallback
/// chain, the conversation and its sampling parameters.
public struct GenerationRequest: Sendable, Equatable {
    public var provider: String
    public var model: String
    public var systemInstruction: String?
    public var messages: [ChatMessage]
    public var sampling: SamplingParameters
    /// Retries of the primary before moving on; nil uses the gateway's default.
    public var retry: Int?
    /// Explicit fallbacks; nil uses the routing table's defaults for the primary.
    public var fallbacks: [Target]?
    /// The region, from the request or its `metadata.region_name`.
    public var regionName: String?
    /// Free-form caller metadata (any JSON), not sent upstream.
    public var metadata: [String: JSONValue]
    public var user: String?
    /// A gateway route to serve instead of `provider`/`model` (its chain replaces theirs).
    public var route: String?
    /// An answer without text counts as a failed attempt (the chat flow's output validation).
    public var requireContent: Bool

    /// - Parameters:
    ///   - provider: The primary's provider.
    ///   - model: The primary's model.
    ///   - systemInstruction: The system prompt.
    ///   - messages: The conversation, without system messages.
    ///   - sampling: Sampling parameters.
    ///   - retry: Retries of the primary.
    ///   - fallbacks: Explicit fallbacks, or nil for the defaults.
    ///   - regionName: The region.
    ///   - metadata: Caller metadata.
    ///   - user: An opaque end-user id.
    ///   - route: A route name instead of provider and model.
    ///   - requireContent: Whether an answer without text fails.
    public init(
        provider: String,
        model: String,
        systemInstruction: String? = nil,
        messages: [ChatMessage],
        sampling: SamplingParameters = .init(),
        retry: Int? = nil,
        fallbacks: [Target]? = nil,
        regionName: String? = nil,
        metadata: [String: JSONValue] = [:],
        user: String? = nil,
        route: String? = nil,
        requireContent: Bool = false
    ) {
        self.route = route
        self.requireContent = requireContent
        self.provider = provider
        self.model = model
        self.systemInstruction = systemInstruction
        self.messages = messages
        self.sampling = sampling
        self.retry = retry
        self.fallbacks = fallbacks
        self.regionName = regionName
        self.metadata = metadata
        self.user = user
    }
}

/// The gateway's answer to a ``GenerationRequest``.
public struct GenerationResponse: Sendable, Equatable {
    public var text: String
    public var finishReason: FinishReason
    public var usage: Usage
    /// The provider and model that served the answer.
    public var provider: String
    public var model: String
    public var attempts: [AttemptRecord]
    /// What every attempt cost together, in nano-dollars; nil when one used tokens of an unpriced model.
    public var cost: Int64?

    /// - Parameters:
    ///   - text: The answer.
    ///   - finishReason: Why it ended.
    ///   - usage: Token counts of the serving attempt.
    ///   - provider: Who served it.
    ///   - model: Which model served it.
    ///   - attempts: Every attempt, in order.
    ///   - cost: Their cost together, in nano-dollars.
    public init(
        text: String, finishReason: FinishReason, usage: Usage, provider: String, model: String,
        attempts: [AttemptRecord], cost: Int64? = nil
    ) {
        self.cost = cost
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.provider = provider
        self.model = model
        self.attempts = attempts
    }
}
