import Foundation
import SwitchyardCore

/// Pure mappings between the gateway's types and Bedrock Converse.
enum BedrockMapping {
    static func request(_ request: ProviderRequest) -> BedrockWire.Request {
        let messages = Turns.alternating(request.messages).map {
            BedrockWire.Message(role: $0.isAssistant ? "assistant" : "user", content: $0.texts.map { .init(text: $0) })
        }
        let sampling = request.sampling
        let config = BedrockWire.InferenceConfig(
            maxTokens: sampling.maxTokens, temperature: sampling.temperature.map { min($0, 1) }, topP: sampling.topP,
            stopSequences: sampling.stop.isEmpty ? nil : sampling.stop)
        let hasConfig =
            config.maxTokens != nil || config.temperature != nil || config.topP != nil || config.stopSequences != nil
        // `top_k` is model-specific on Bedrock (additionalModelRequestFields) and is not sent.
        return BedrockWire.Request(
            messages: messages,
            system: request.systemInstruction.flatMap { $0.isEmpty ? nil : [.init(text: $0)] },
            inferenceConfig: hasConfig ? config : nil)
    }

    static func finishReason(_ reason: String?, hasText: Bool) throws -> FinishReason {
        switch reason {
        case "max_tokens", "model_context_window_exceeded": return .length
        case "tool_use": return .toolCalls
        case "guardrail_intervened", "content_filtered":
            if !hasText { throw ProviderFailure(.contentFiltered, detail: "stopReason \(reason ?? "")") }
            return .contentFilter
        default: return .stop
        }
    }

    static func usage(_ usage: BedrockWire.Usage?) -> Usage? {
        guard let usage else { return nil }
        let cached = usage.cacheReadInputTokens ?? 0
        return Usage(
            promptTokens: (usage.inputTokens ?? 0) + cached + (usage.cacheWriteInputTokens ?? 0),
            completionTokens: usage.outputTokens ?? 0, totalTokens: usage.totalTokens, cachedPromptTokens: cached)
    }

    static func result(_ response: BedrockWire.Response) throws -> GenerationResult {
        let text = (response.output?.message?.content ?? []).compactMap(\.text).joined()
        return GenerationResult(
            text: text, finishReason: try finishReason(response.stopReason, hasText: !text.isEmpty),
            usage: usage(response.usage) ?? .zero)
    }

    /// Stream state: whether text has arrived, and whether `messageStop` was seen.
    struct StreamState: Sendable {
        var sawText = false
        var sawStop = false
        var sawMetadata = false
    }

    /// Maps one event-stream message.
    static func events(_ message: EventStreamMessage, state: inout StreamState) throws -> [StreamEvent] {
        switch message.string(":message-type") {
        case "exception":
            throw BedrockErrorClassifier.classify(
                exceptionType: message.string(":exception-type") ?? "", status: nil, payload: message.payload)
        case "error":
            throw BedrockErrorClassifier.classify(
                exceptionType: message.string(":error-code") ?? "", status: nil,
                payload: Array((message.string(":error-message") ?? "").utf8))
        default:
            break
        }
        let payload = Data(message.payload)
        let decoder = JSONDecoder()
        switch message.string(":event-type") {
        case "contentBlockDelta":
            let event = try decoder.decode(BedrockWire.ContentBlockDelta.self, from: payload)
            guard let text = event.delta?.text, !text.isEmpty else { return [] }
            state.sawText = true
            return [.delta(text)]
        case "messageStop":
            state.sawStop = true
            let event = try decoder.decode(BedrockWire.MessageStop.self, from: payload)
            return [.finish(try finishReason(event.stopReason, hasText: state.sawText))]
        case "metadata":
            state.sawMetadata = true
            let event = try decoder.decode(BedrockWire.Metadata.self, from: payload)
            return usage(event.usage).map { [.usage($0)] } ?? []
        default:
            return []
        }
    }
}
