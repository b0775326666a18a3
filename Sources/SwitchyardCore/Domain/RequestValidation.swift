/// A request that cannot be served as sent. `message` tells the caller what to change; `parameter` names the field.
public struct RequestValidationError: Error, Sendable, Equatable {
    public var parameter: String?
    public var message: String

    /// - Parameters:
    ///   - parameter: The offending field, in the caller's spelling.
    ///   - message: What is wrong and what is accepted.
    public init(parameter: String?, message: String) {
        self.parameter = parameter
        self.message = message
    }
}

/// Checks a generation request before anything is sent anywhere.
public enum RequestValidation {
    /// The ranges accepted for sampling parameters.
    public static let temperatureRange = 0.0...2.0
    public static let topPRange = 0.0...1.0
    public static let maximumStopSequences = 4

    /// - Parameters:
    ///   - messages: The conversation, system messages already split off.
    ///   - systemInstruction: The system instruction, if any.
    ///   - sampling: The sampling parameters.
    /// - Throws: ``RequestValidationError`` naming the first problem.
    public static func validate(
        messages: [ChatMessage],
        systemInstruction: String?,
        sampling: SamplingParameters
    ) throws(RequestValidationError) {
        if messages.isEmpty {
            throw RequestValidationError(
                parameter: "messages",
                message: "`messages` must hold at least one user message.")
        }
        if let temperature = sampling.temperature, !temperatureRange.contains(temperature) || temperature.isNaN {
            throw RequestValidationError(
                parameter: "temperature",
                message: "`temperature` must be between 0 and 2; got \(temperature).")
        }
        if let topP = sampling.topP, !topPRange.contains(topP) || topP.isNaN {
            throw RequestValidationError(
                parameter: "top_p", message: "`top_p` must be between 0 and 1; got \(topP).")
        }
        if let topK = sampling.topK, topK < 1 {
            throw RequestValidationError(
                parameter: "top_k", message: "`top_k` must be a whole number of at least 1; got \(topK).")
        }
        if let maxTokens = sampling.maxTokens, maxTokens < 1 {
            throw RequestValidationError(
                parameter: "max_tokens",
                message: "`max_tokens` must be a whole number of at least 1; got \(maxTokens).")
        }
        if sampling.stop.count > maximumStopSequences {
            throw RequestValidationError(
                parameter: "stop",
                message: "`stop` takes at most \(maximumStopSequences) sequences; got \(sampling.stop.count).")
        }
    }
}
