import SwitchyardCore
import SwitchyardProviders

/// How one provider is set up, after environment and configuration file are merged.
public struct ProviderSettings: Sendable {
    public enum Kind: Sendable, Equatable {
        case openAIFamily(OpenAIFlavor)
        case anthropic
        case gemini
        /// Bedrock Runtime: the region used when a request names none.
        case bedrock(defaultRegion: String)
        case mock(MockProvider.Settings)
    }

    public var id: String
    public var kind: Kind
    public var apiKey: Secret?
    /// SigV4 credentials (Bedrock), used when no API key is set.
    public var awsCredentials: AWSCredentials?
    public var baseURL: String?
    public var headers: [String: String]
    /// Why the provider cannot be used, if it cannot (a missing key, say); nil when it is usable.
    public var unavailableReason: String?

    /// - Parameters:
    ///   - id: The provider id.
    ///   - kind: The adapter and its settings.
    ///   - apiKey: The key, if any.
    ///   - awsCredentials: SigV4 credentials, for Bedrock.
    ///   - baseURL: The base URL, if not the default.
    ///   - headers: Extra request headers.
    ///   - unavailableReason: Why it cannot be used, if so.
    public init(
        id: String, kind: Kind, apiKey: Secret? = nil, awsCredentials: AWSCredentials? = nil, baseURL: String? = nil,
        headers: [String: String] = [:], unavailableReason: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.apiKey = apiKey
        self.awsCredentials = awsCredentials
        self.baseURL = baseURL
        self.headers = headers
        self.unavailableReason = unavailableReason
    }
}
