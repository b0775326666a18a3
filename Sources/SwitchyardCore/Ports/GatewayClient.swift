/// How the backend reaches the gateway: in process when both roles run together, over HTTP otherwise.
public protocol GatewayClient: Sendable {
    /// - Parameter request: What to generate.
    /// - Returns: The answer and its attempt log.
    /// - Throws: ``GatewayCallError``.
    func generate(_ request: GenerationRequest) async throws -> GenerationResponse
}

/// Why a gateway call produced no answer.
public struct GatewayCallError: Error, Sendable, Equatable {
    /// The HTTP status the gateway answered (or would have).
    public var status: Int
    /// The OpenAI-style error code (`all_providers_failed`, `invalid_request_error`, …).
    public var code: String
    /// A client-safe message.
    public var message: String
    public var attempts: [AttemptRecord]

    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - code: The error code.
    ///   - message: A client-safe message.
    ///   - attempts: The attempt log, where known.
    public init(status: Int, code: String, message: String, attempts: [AttemptRecord] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.attempts = attempts
    }
}
