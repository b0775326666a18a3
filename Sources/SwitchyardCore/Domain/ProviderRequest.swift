/// What one attempt asks of one provider: a single model, already resolved from the fallback chain.
public struct ProviderRequest: Sendable, Hashable {
    public var model: String
    public var systemInstruction: String?
    public var messages: [ChatMessage]
    public var sampling: SamplingParameters
    /// The region to call, for providers that have regions (Bedrock).
    public var regionName: String?
    /// Opaque end-user id, forwarded where the provider accepts one.
    public var user: String?

    /// - Parameters:
    ///   - model: The provider's own model id.
    ///   - systemInstruction: The system prompt, kept apart from the messages.
    ///   - messages: The conversation, without system messages.
    ///   - sampling: Sampling parameters.
    ///   - regionName: The region, where it matters.
    ///   - user: An opaque end-user id.
    public init(
        model: String,
        systemInstruction: String? = nil,
        messages: [ChatMessage],
        sampling: SamplingParameters = .init(),
        regionName: String? = nil,
        user: String? = nil
    ) {
        self.model = model
        self.systemInstruction = systemInstruction
        self.messages = messages
        self.sampling = sampling
        self.regionName = regionName
        self.user = user
    }
}

extension ProviderRequest {
    /// The primary's request of a generation request (the gateway replaces model, instruction and region per
    /// target).
    /// - Parameter request: The generation request.
    public init(_ request: GenerationRequest) {
        self.init(
            model: request.model, systemInstruction: request.systemInstruction, messages: request.messages,
            sampling: request.sampling, regionName: request.regionName, user: request.user)
    }
}
