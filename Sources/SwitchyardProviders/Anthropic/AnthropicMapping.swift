import SwitchyardCore

/// Pure mappings between the gateway's types and the Anthropic Messages API.
enum AnthropicMapping {
    /// Anthropic requires `max_tokens`; this is sent when the caller set none.
    static let defaultMaxTokens = 4096

    static func request(_ request: ProviderRequest, stream: Bool) -> AnthropicWire.Request {
        AnthropicWire.Request(
            model: request.model,
            maxTokens: request.sampling.maxTokens ?? defaultMaxTokens,
            system: request.systemInstruction.flatMap { $0.isEmpty ? nil : $0 },
            messages: alternating(request.messages),
            // Anthropic's range is 0 to 1; OpenAI-style callers may send up to 2.
            temperature: request.sampling.temperature.map { min($0, 1) },
            topP: request.sampling.topP,
            topK: request.sampling.topK,
            stopSequences: request.sampling.stop.isEmpty ? nil : request.sampling.stop,
            stream: stream ? true : nil,
            metadata: request.user.map { .init(userID: $0) })
    }

    /// Anthropic takes only `user` and `assistant` turns, alternating: tool output becomes user text, and
    /// consecutive turns of one role are merged.
    static func alternating(_ messages: [ChatMessage]) -> [AnthropicWire.Request.Message] {
        Turns.alternating(messages).map {
            .init(role: $0.isAssistant ? "assistant" : "user", content: $0.texts.joined(separator: "\n\n"))
        }
    }

    static func result(_ message: AnthropicWire.Message) throws -> GenerationResult {
        let text = message.content.filter { $0.type == "text" }.compactMap(\.text).joined()
        let finish = try finishReason(message.stopReason, hasText: !text.isEmpty)
        return GenerationResult(
            text: text, finishReason: finish,
            usage: Usage(
                promptTokens: message.usage?.prompt.tokens ?? 0, completionTokens: message.usage?.outputTokens ?? 0,
                cachedPromptTokens: message.usage?.prompt.cached ?? 0),
            servedModel: message.model)
    }

    static func finishReason(_ reason: String?, hasText: Bool) throws -> FinishReason {
        switch reason {
        case "max_tokens", "model_context_window_exceeded": return .length
        case "tool_use": return .toolCalls
        case "refusal":
            if !hasText { throw ProviderFailure(.contentFiltered, detail: "stop_reason refusal") }
            return .contentFilter
        default: return .stop
        }
    }

    /// State carried across a stream: input tokens arrive first, output tokens last.
    struct StreamState: Sendable {
        var inputTokens = 0
        var cachedTokens = 0
        var sawText = false
    }

    /// - Returns: The events of one SSE event, or nil at `message_stop`.
    static func events(name: String?, data: String, state: inout StreamState) throws -> [StreamEvent]? {
        guard let event = try? WireJSON.decode(AnthropicWire.Event.self, from: data) else {
            throw ProviderFailure(.upstream5xx, detail: "undecodable stream event \(name ?? "-")")
        }
        switch event.type {
        case "message_start":
            state.inputTokens = event.message?.usage?.prompt.tokens ?? 0
            state.cachedTokens = event.message?.usage?.prompt.cached ?? 0
            return [
                .usage(
                    Usage(promptTokens: state.inputTokens, completionTokens: 0, cachedPromptTokens: state.cachedTokens))
            ]
        case "content_block_delta":
            guard event.delta?.type == "text_delta", let text = event.delta?.text, !text.isEmpty else { return [] }
            state.sawText = true
            return [.delta(text)]
        case "message_delta":
            var events: [StreamEvent] = []
            if let reason = event.delta?.stopReason {
                events.append(.finish(try finishReason(reason, hasText: state.sawText)))
            }
            if let output = event.usage?.outputTokens {
                events.append(
                    .usage(
                        Usage(
                            promptTokens: state.inputTokens, completionTokens: output,
                            cachedPromptTokens: state.cachedTokens)))
            }
            return events
        case "message_stop":
            return nil
        case "error":
            throw AnthropicErrorClassifier.classifyInBand(data)
        default:
            return []
        }
    }
}
