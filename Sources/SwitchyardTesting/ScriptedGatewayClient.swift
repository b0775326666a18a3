import SwitchyardCore

/// ``GatewayClient`` that answers from a script and records every request. A call past the end of the script fails
/// as `gateway_unavailable` and is counted in ``unscriptedCalls``, for the test to assert on.
public actor ScriptedGatewayClient: GatewayClient {
    public enum Step: Sendable {
        case answer(String, Usage = Usage(promptTokens: 10, completionTokens: 5))
        case fail(GatewayCallError)
    }

    private var steps: [Step]
    public private(set) var requests: [GenerationRequest] = []
    public private(set) var unscriptedCalls = 0

    /// - Parameter steps: The answers, in order.
    public init(_ steps: [Step] = []) {
        self.steps = steps
    }

    /// Adds answers to the script.
    public func enqueue(_ more: Step...) {
        steps += more
    }

    public func generate(_ request: GenerationRequest) async throws(GatewayCallError) -> GenerationResponse {
        requests.append(request)
        guard !steps.isEmpty else {
            unscriptedCalls += 1
            throw GatewayCallError(.gatewayUnavailable)
        }
        switch steps.removeFirst() {
        case .answer(let text, let usage):
            return GenerationResponse(
                text: text, finishReason: .stop, usage: usage, provider: request.provider, model: request.model,
                attempts: [])
        case .fail(let error):
            throw error
        }
    }
}
