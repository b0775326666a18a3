import NIOCore
import SwitchyardCore

/// Pure mappings between the gateway's types and the OpenAI wire format, per flavor.
enum OpenAIMapping {
    /// Builds the request body.
    static func request(_ request: ProviderRequest, flavor: OpenAIFlavor, stream: Bool) -> OpenAIWire.Request {
        var messages: [OpenAIWire.Request.Message] = []
        if let system = request.systemInstruction, !system.isEmpty {
            messages.append(.init(role: "system", content: system))
        }
        for message in request.messages {
            // BytePlus rejects `developer`; every member of the family accepts `system`.
            let role = message.role == .developer ? ChatRole.system : message.role
            messages.append(.init(role: role.rawValue, content: message.content))
        }
        let sampling = request.sampling
        var wire = OpenAIWire.Request(model: request.model, messages: messages)
        wire.temperature = sampling.temperature
        wire.topP = sampling.topP
        wire.topK = flavor.acceptsTopK ? sampling.topK : nil
        switch flavor.maxTokensField {
        case .maxTokens: wire.maxTokens = sampling.maxTokens
        case .maxCompletionTokens: wire.maxCompletionTokens = sampling.maxTokens
        }
        wire.stop = sampling.stop.isEmpty ? nil : sampling.stop
        if flavor.isStrictAboutFields {
            wire.randomSeed = sampling.seed
        } else {
            wire.seed = sampling.seed
            wire.user = request.user
        }
        if stream {
            wire.stream = true
            // Mistral sends usage on the last chunk unasked, and 422s on `stream_options`.
            wire.streamOptions = flavor.isStrictAboutFields ? nil : .init(includeUsage: true)
        }
        return wire
    }

    /// Maps a finished completion.
    /// - Throws: ``ProviderFailure`` when the answer is empty because a filter removed it.
    static func result(_ completion: OpenAIWire.Completion) throws -> GenerationResult {
        guard let choice = completion.choices.first else {
            throw ProviderFailure(.upstream5xx, detail: "completion without choices")
        }
        let text = choice.message?.content ?? ""
        let finish = try finishReason(choice.finishReason)
        if finish == .contentFilter, text.isEmpty {
            throw ProviderFailure(.contentFiltered, detail: "finish_reason content_filter with no content")
        }
        if text.isEmpty, let refusal = choice.message?.refusal, !refusal.isEmpty {
            return GenerationResult(
                text: refusal, finishReason: .contentFilter, usage: usage(completion.usage) ?? .zero,
                servedModel: completion.model)
        }
        return GenerationResult(
            text: text, finishReason: finish, usage: usage(completion.usage) ?? .zero, servedModel: completion.model)
    }

    /// Maps one stream chunk's data to events.
    /// - Throws: ``ProviderFailure`` for an in-band error.
    static func events(fromChunk data: String) throws -> [StreamEvent] {
        try events(try (try? OpenAIWire.Chunk.read(data)) ?? decodeSlowly(chunk: data))
    }

    /// Maps one decoded chunk to events.
    static func events(_ chunk: OpenAIWire.Chunk) throws -> [StreamEvent] {
        var events: [StreamEvent] = []
        if let choice = chunk.choices?.first {
            if let text = choice.delta?.content, !text.isEmpty {
                events.append(.delta(text))
            }
            if let reason = choice.finishReason {
                events.append(.finish(try finishReason(reason)))
            }
        }
        if let usage = usage(chunk.usage) ?? usage(chunk.xGroq?.usage) {
            events.append(.usage(usage))
        }
        return events
    }

    /// Decodes a chunk that the fast reader refused: an in-band error is classified, anything undecodable is a
    /// failure of the upstream.
    private static func decodeSlowly(chunk data: String) throws -> OpenAIWire.Chunk {
        if let loose = JSONValue.parse(data), let error = loose["error"], error != .null {
            throw OpenAIErrorClassifier.classifyInBand(error)
        }
        do {
            return try WireJSON.decode(OpenAIWire.Chunk.self, from: data)
        } catch {
            throw ProviderFailure(.upstream5xx, detail: "undecodable stream chunk")
        }
    }

    static func usage(_ wire: OpenAIWire.Usage?) -> Usage? {
        guard let wire, wire.promptTokens != nil || wire.completionTokens != nil else { return nil }
        return Usage(
            promptTokens: wire.promptTokens ?? 0, completionTokens: wire.completionTokens ?? 0,
            totalTokens: wire.totalTokens, cachedPromptTokens: wire.promptTokensDetails?.cachedTokens ?? 0)
    }

    static func finishReason(_ wire: String?) throws -> FinishReason {
        switch wire {
        case nil, "stop", "end_turn": return .stop
        case "length", "model_length": return .length
        case "content_filter": return .contentFilter
        case "tool_calls", "function_call": return .toolCalls
        case "error": throw ProviderFailure(.upstream5xx, detail: "finish_reason error")
        default: return .stop
        }
    }
}
