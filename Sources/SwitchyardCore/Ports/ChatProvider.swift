/// A model provider, as the gateway sees it. Adapters map ``ProviderRequest`` to the provider's wire format and
/// classify every failure as a ``ProviderFailure``; anything else they throw is treated as `transport`.
public protocol ChatProvider: Sendable {
    /// The provider id that targets name (`openai`, `groq`, `mock`, …).
    var id: String { get }

    /// The region used when a target names none, for providers that have regions.
    var defaultRegion: String? { get }

    /// The provider as the OpenTelemetry GenAI conventions name it (`gen_ai.provider.name`: `openai`,
    /// `anthropic`, `aws.bedrock`, `gcp.gemini`, …); the provider id where the conventions have no name for it.
    var genAIProviderName: String { get }

    /// Generates a whole answer.
    /// - Parameters:
    ///   - request: What to generate.
    ///   - timeout: How long the attempt may take.
    /// - Returns: The answer.
    /// - Throws: ``ProviderFailure``.
    func complete(_ request: ProviderRequest, timeout: Duration) async throws -> GenerationResult

    /// Opens a streamed answer. Failures before the response body starts (an error status) are thrown here;
    /// later ones are thrown by the stream.
    /// - Parameters:
    ///   - request: What to generate.
    ///   - timeout: How long the whole stream may take.
    /// - Returns: The events.
    /// - Throws: ``ProviderFailure``.
    func stream(_ request: ProviderRequest, timeout: Duration) async throws -> ProviderEventStream
}

extension ChatProvider {
    public var defaultRegion: String? { nil }
    public var genAIProviderName: String { id }
}
