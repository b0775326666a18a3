import SwitchyardCore

/// Pure mappings between the gateway's types and the Gemini API.
enum GeminiMapping {
    /// Finish reasons that mean a safety system removed the answer.
    static let blockedFinishReasons: Set<String> = [
        "SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY",
    ]

    static func request(_ request: ProviderRequest) -> GeminiWire.Request {
        let contents = Turns.alternating(request.messages).map {
            GeminiWire.Content(role: $0.isAssistant ? "model" : "user", parts: $0.texts.map { .init(text: $0) })
        }
        let sampling = request.sampling
        let config = GeminiWire.GenerationConfig(
            temperature: sampling.temperature, topP: sampling.topP, topK: sampling.topK,
            maxOutputTokens: sampling.maxTokens, stopSequences: sampling.stop.isEmpty ? nil : sampling.stop,
            seed: sampling.seed)
        let hasConfig =
            config.temperature != nil || config.topP != nil || config.topK != nil || config.maxOutputTokens != nil
            || config.stopSequences != nil || config.seed != nil
        return GeminiWire.Request(
            contents: contents,
            systemInstruction: request.systemInstruction.flatMap {
                $0.isEmpty ? nil : GeminiWire.Content(parts: [.init(text: $0)])
            },
            generationConfig: hasConfig ? config : nil)
    }

    static func usage(_ metadata: GeminiWire.UsageMetadata?) -> Usage? {
        guard let metadata else { return nil }
        let completion = (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0)
        return Usage(
            promptTokens: metadata.promptTokenCount ?? 0, completionTokens: completion,
            totalTokens: metadata.totalTokenCount, cachedPromptTokens: metadata.cachedContentTokenCount ?? 0)
    }

    static func text(_ response: GeminiWire.Response) -> String {
        (response.candidates?.first?.content?.parts ?? []).filter { $0.thought != true }.compactMap(\.text).joined()
    }

    /// Safety blocks arrive as HTTP 200: a prompt block has no candidates and a `blockReason`; an output block has a
    /// safety finish reason. Both are `content_filtered`.
    static func checkBlocked(_ response: GeminiWire.Response) throws {
        if let reason = response.promptFeedback?.blockReason {
            throw ProviderFailure(.contentFiltered, detail: "promptFeedback.blockReason \(reason)")
        }
        if let reason = response.candidates?.first?.finishReason, blockedFinishReasons.contains(reason) {
            throw ProviderFailure(.contentFiltered, detail: "finishReason \(reason)")
        }
    }

    static func finishReason(_ reason: String?) -> FinishReason? {
        switch reason {
        case nil: nil
        case "MAX_TOKENS": .length
        case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS": .toolCalls
        default: .stop
        }
    }

    static func result(_ response: GeminiWire.Response) throws -> GenerationResult {
        try checkBlocked(response)
        guard response.candidates?.isEmpty == false else {
            throw ProviderFailure(.upstream5xx, detail: "response without candidates")
        }
        return GenerationResult(
            text: text(response), finishReason: finishReason(response.candidates?.first?.finishReason) ?? .stop,
            usage: usage(response.usageMetadata) ?? .zero, servedModel: response.modelVersion)
    }

    /// Each streamed event is a whole `GenerateContentResponse` holding only the new text.
    static func events(fromChunk data: String) throws -> [StreamEvent] {
        if let json = JSONValue.parse(data), let error = json["error"], error != .null {
            throw GeminiErrorClassifier.classify(status: Int(error["code"]?.number ?? 500), json: json)
        }
        guard let response = try? WireJSON.decode(GeminiWire.Response.self, from: data) else {
            throw ProviderFailure(.upstream5xx, detail: "undecodable stream chunk")
        }
        try checkBlocked(response)
        var events: [StreamEvent] = []
        let text = text(response)
        if !text.isEmpty { events.append(.delta(text)) }
        if let finish = finishReason(response.candidates?.first?.finishReason) { events.append(.finish(finish)) }
        if let usage = usage(response.usageMetadata) { events.append(.usage(usage)) }
        return events
    }
}
