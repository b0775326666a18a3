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
    /// The most retries a caller may ask of one target.
    public static let maximumRetries = 5

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

    /// Every check the gateway applies to a generation request, whichever way it arrives (HTTP or in process).
    /// - Parameters:
    ///   - request: The request.
    ///   - knownProviders: The provider ids the gateway knows (configured or not).
    /// - Throws: ``RequestValidationError`` naming the first problem.
    ///   - knownRoutes: The route names of the routing table.
    public static func validate(
        _ request: GenerationRequest, knownProviders: Set<String>, knownRoutes: Set<String> = []
    ) throws(RequestValidationError) {
        try validate(
            messages: request.messages, systemInstruction: request.systemInstruction, sampling: request.sampling)
        if let route = request.route {
            try checkRoute(route, field: "route", knownRoutes: knownRoutes)
            return
        }
        try validateRouting(
            provider: request.provider, model: request.model, retry: request.retry, fallbacks: request.fallbacks,
            knownProviders: knownProviders)
    }

    /// The routing part of a request or a saved bot config: known providers, a model, bounded retries.
    /// - Parameters:
    ///   - provider: The primary's provider.
    ///   - model: The primary's model.
    ///   - retry: Retries of the primary, if set.
    ///   - fallbacks: Explicit fallbacks, if set.
    ///   - knownProviders: The provider ids the gateway knows.
    ///   - fieldPrefix: Prefixed to fallback field names (`metadata.` for a bot config).
    /// - Throws: ``RequestValidationError`` naming the first problem.
    public static func validateRouting(
        provider: String, model: String, retry: Int?, fallbacks: [Target]?, knownProviders: Set<String>,
        providerField: String = "provider", modelField: String = "model", fieldPrefix: String = ""
    ) throws(RequestValidationError) {
        try checkProvider(provider, field: providerField, knownProviders: knownProviders)
        if model.trimmingWhitespace().isEmpty {
            throw RequestValidationError(parameter: modelField, message: "`\(modelField)` must not be empty.")
        }
        if let retry { try checkRetry(retry, field: "retry") }
        for (index, fallback) in (fallbacks ?? []).enumerated() {
            let field = "\(fieldPrefix)fallbacks[\(index)]"
            try checkProvider(fallback.provider, field: "\(field).provider", knownProviders: knownProviders)
            if fallback.model.trimmingWhitespace().isEmpty {
                throw RequestValidationError(
                    parameter: "\(field).model", message: "`\(field).model` must not be empty.")
            }
            try checkRetry(fallback.retry, field: "\(field).retry")
        }
    }

    private static func checkProvider(
        _ id: String, field: String, knownProviders: Set<String>
    ) throws(RequestValidationError) {
        guard knownProviders.contains(id) else {
            throw RequestValidationError(
                parameter: field,
                message: "Unknown provider '\(id)' in `\(field)`; known providers: "
                    + "\(knownProviders.sorted().joined(separator: ", ")).")
        }
    }

    /// - Throws: When `route` names no route of the routing table.
    public static func checkRoute(
        _ route: String, field: String, knownRoutes: Set<String>
    ) throws(RequestValidationError) {
        guard knownRoutes.contains(route) else {
            let known =
                knownRoutes.isEmpty
                ? "none are configured" : "known routes: " + knownRoutes.sorted().joined(separator: ", ")
            throw RequestValidationError(parameter: field, message: "Unknown route '\(route)' in `\(field)`; \(known).")
        }
    }

    private static func checkRetry(_ retry: Int, field: String) throws(RequestValidationError) {
        guard (0...maximumRetries).contains(retry) else {
            throw RequestValidationError(
                parameter: field, message: "`\(field)` must be between 0 and \(maximumRetries); got \(retry).")
        }
    }
}
