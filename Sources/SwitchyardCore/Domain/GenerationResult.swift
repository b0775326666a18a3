/// Why a model stopped writing, in OpenAI's vocabulary.
public enum FinishReason: String, Sendable, Equatable, Codable {
    case stop
    case length
    case contentFilter = "content_filter"
    case toolCalls = "tool_calls"
}

/// A finished, non-streamed answer from one provider.
public struct GenerationResult: Sendable, Equatable {
    public var text: String
    public var finishReason: FinishReason
    public var usage: Usage
    /// The model id the provider says it used (it may be more specific than the one asked for).
    public var servedModel: String?

    /// - Parameters:
    ///   - text: The answer.
    ///   - finishReason: Why it ended.
    ///   - usage: Token counts.
    ///   - servedModel: The model the provider reports.
    public init(text: String, finishReason: FinishReason, usage: Usage, servedModel: String? = nil) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.servedModel = servedModel
    }
}

/// One event of a streamed answer, already normalized from the provider's wire format.
public enum StreamEvent: Sendable, Equatable {
    /// New text. Empty deltas are never emitted.
    case delta(String)
    /// The model finished.
    case finish(FinishReason)
    /// Token counts so far (cumulative; the last one wins).
    case usage(Usage)
}
