/// The members of the OpenAI-protocol family, with the quirks that make each one differ from OpenAI.
///
/// References: OpenAI <https://platform.openai.com/docs/api-reference/chat>, Groq
/// <https://console.groq.com/docs/openai>, OpenRouter <https://openrouter.ai/docs/api-reference/overview>, BytePlus
/// ModelArk <https://docs.byteplus.com/en/docs/ModelArk/1099455>, Mistral <https://docs.mistral.ai/api/>.
public enum OpenAIFlavor: String, Sendable, CaseIterable {
    case openai
    case groq
    case openrouter
    case byteplus
    case mistral
    /// Any OpenAI-compatible server (vLLM, Ollama, an AI-SDK service): a base URL, and a key if it wants one.
    case openaiCompatible = "openai-compatible"

    /// The `gen_ai.provider.name` of the OpenTelemetry GenAI conventions; nil where they have none.
    public var genAIProviderName: String? {
        switch self {
        case .openai: "openai"
        case .groq: "groq"
        case .mistral: "mistral_ai"
        case .openrouter, .byteplus, .openaiCompatible: nil
        }
    }

    /// The default base URL, without a trailing slash; nil where the operator must give one.
    public var defaultBaseURL: String? {
        switch self {
        case .openai: "https://api.openai.com/v1"
        case .groq: "https://api.groq.com/openai/v1"
        case .openrouter: "https://openrouter.ai/api/v1"
        case .byteplus: "https://ark.ap-southeast.bytepluses.com/api/v3"
        case .mistral: "https://api.mistral.ai/v1"
        case .openaiCompatible: nil
        }
    }

    /// The environment variables that the provider's official SDK reads, key first, then base URL.
    public var keyVariables: [String] {
        switch self {
        case .openai: ["OPENAI_API_KEY"]
        case .groq: ["GROQ_API_KEY"]
        case .openrouter: ["OPENROUTER_API_KEY"]
        case .byteplus: ["ARK_API_KEY", "BYTEPLUS_API_KEY"]
        case .mistral: ["MISTRAL_API_KEY"]
        case .openaiCompatible: ["OPENAI_COMPATIBLE_API_KEY"]
        }
    }

    /// The environment variables for the base URL.
    public var baseURLVariables: [String] {
        switch self {
        case .openai: ["OPENAI_BASE_URL"]
        case .groq: ["GROQ_BASE_URL"]
        case .openrouter: ["OPENROUTER_BASE_URL"]
        case .byteplus: ["ARK_BASE_URL"]
        case .mistral: ["MISTRAL_BASE_URL", "MISTRAL_SERVER_URL"]
        case .openaiCompatible: ["OPENAI_COMPATIBLE_BASE_URL"]
        }
    }

    /// Whether the provider works without an API key.
    public var keyOptional: Bool { self == .openaiCompatible }

    /// Which field carries the token limit. OpenAI's reasoning models reject `max_tokens`; BytePlus rejects both
    /// fields together; Mistral knows only `max_tokens`.
    var maxTokensField: MaxTokensField {
        switch self {
        case .openai, .groq: .maxCompletionTokens
        case .openrouter, .byteplus, .mistral, .openaiCompatible: .maxTokens
        }
    }

    enum MaxTokensField {
        case maxTokens
        case maxCompletionTokens
    }

    /// OpenAI, Groq and BytePlus have no `top_k`; OpenRouter and vLLM-style servers accept it.
    var acceptsTopK: Bool { self == .openrouter || self == .openaiCompatible }

    /// Mistral answers 422 to unknown fields: no `stream_options`, no `user`, and `random_seed` for `seed`.
    var isStrictAboutFields: Bool { self == .mistral }
}
