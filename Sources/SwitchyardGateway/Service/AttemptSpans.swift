import Foundation
import SwitchyardCore
import SwitchyardHTTP
import Tracing

/// One span per upstream attempt, named and labelled after the OpenTelemetry GenAI conventions (`chat {model}`,
/// `gen_ai.*`), with the attributes Langfuse reads (`langfuse.*`, `gen_ai.usage.cost`), as a child of the current
/// span (the request's, or the chat turn's when the gateway runs in process).
struct AttemptSpans: Sendable {
    let settings: TraceSettings?

    /// Starts the span of one attempt; nil when tracing is off.
    func start(
        _ target: Target, providerName: String, request: ProviderRequest, sessionID: String?, streamed: Bool
    ) -> (any Span)? {
        guard let settings else { return nil }
        let span = settings.tracer.startAnySpan(
            "chat \(target.model)", context: InstrumentationContext.current ?? .topLevel, ofKind: .client,
            at: DefaultTracerClock.now, function: #function, file: #fileID, line: #line)
        span.attributes["gen_ai.operation.name"] = "chat"
        span.attributes["gen_ai.provider.name"] = providerName
        span.attributes["gen_ai.request.model"] = target.model
        span.attributes["gen_ai.request.stream"] = streamed
        if let temperature = request.sampling.temperature {
            span.attributes["gen_ai.request.temperature"] = temperature
        }
        if let topP = request.sampling.topP { span.attributes["gen_ai.request.top_p"] = topP }
        if let maxTokens = request.sampling.maxTokens { span.attributes["gen_ai.request.max_tokens"] = maxTokens }
        span.attributes["switchyard.provider"] = target.provider
        if let region = target.regionName { span.attributes["cloud.region"] = region }
        if let user = request.user { span.attributes["langfuse.user.id"] = user }
        if let sessionID {
            span.attributes["langfuse.session.id"] = sessionID
            span.attributes["gen_ai.conversation.id"] = sessionID
        }
        if settings.recordsContent { span.attributes["langfuse.observation.input"] = Self.input(of: request) }
        return span
    }

    /// Marks the first content token of a stream (Langfuse's completion start time).
    func firstToken(_ span: (any Span)?) {
        span?.attributes["langfuse.observation.completion_start_time"] = Self.timestamp(Date())
    }

    /// Ends an attempt's span with its record: usage, cost, finish reason, or the error type (a failure's kind, or
    /// `cancelled`).
    func end(
        _ span: (any Span)?, record: AttemptRecord?, finishReason: FinishReason? = nil, output: String? = nil,
        errorType: String? = nil
    ) {
        guard let span, let settings else { return }
        if let record {
            if record.outcome == .success { span.attributes["gen_ai.response.model"] = record.model }
            if let usage = record.usage {
                span.attributes["gen_ai.usage.input_tokens"] = usage.promptTokens
                span.attributes["gen_ai.usage.output_tokens"] = usage.completionTokens
                if usage.cachedPromptTokens > 0 {
                    span.attributes["gen_ai.usage.cache_read.input_tokens"] = usage.cachedPromptTokens
                }
            }
            if let cost = record.cost { span.attributes["gen_ai.usage.cost"] = Double(cost) / 1e9 }
            if let status = record.status { span.attributes["http.response.status_code"] = status }
        }
        if let finishReason { span.attributes["gen_ai.response.finish_reasons"] = [finishReason.rawValue] }
        if settings.recordsContent, let output { span.attributes["langfuse.observation.output"] = output }
        if let errorType {
            span.attributes["error.type"] = errorType
            span.setStatus(SpanStatus(code: .error, message: errorType))
        }
        span.end()
    }

    /// The request as the OpenAI-style message list Langfuse shows.
    private static func input(of request: ProviderRequest) -> String {
        var messages: [[String: String]] = []
        if let system = request.systemInstruction { messages.append(["role": "system", "content": system]) }
        messages += request.messages.map { ["role": $0.role.rawValue, "content": $0.content] }
        guard let data = try? JSONSerialization.data(withJSONObject: messages, options: [.sortedKeys]) else {
            return ""
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// An RFC 3339 time with milliseconds, in UTC.
    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
