import Foundation
import SwitchyardCore
import SwitchyardHTTP
import Tracing

/// The span of one chat turn, with the attributes that make a Langfuse trace complete (`langfuse.trace.name`,
/// `langfuse.session.id`, `langfuse.user.id`, and the message and reply only when content tracing is on). Its
/// children are the prompt render, each gateway attempt (or, with a separate gateway, the call to it, whose attempts
/// follow through W3C trace context) and the database commit. Nil span: tracing is off, and nothing is recorded.
struct TurnSpan: Sendable {
    let span: (any Span)?
    let recordsContent: Bool

    /// Runs `body` with this span as the current one, so that spans started inside are its children.
    func bound<T>(_ body: () async throws -> T) async rethrows -> T {
        guard let span else { return try await body() }
        return try await InstrumentationContext.$current.withValue(span.context) { try await body() }
    }

    /// Names the turn once its session is known.
    func describe(_ turn: PreparedTurn, user: User) {
        guard let span else { return }
        span.attributes["langfuse.trace.name"] = "chat \(turn.bot.slug)"
        span.attributes["langfuse.session.id"] = turn.session.id.uuidString.lowercased()
        span.attributes["gen_ai.conversation.id"] = turn.session.id.uuidString.lowercased()
        span.attributes["langfuse.user.id"] = user.id.uuidString.lowercased()
        span.attributes["switchyard.bot"] = turn.bot.slug
        span.attributes["switchyard.config.id"] = turn.config.id.uuidString.lowercased()
        span.attributes["gen_ai.request.model"] = turn.config.model
        if recordsContent {
            span.attributes["langfuse.trace.input"] = turn.text
            span.attributes["langfuse.observation.input"] = turn.text
        }
    }

    /// Ends the span with the reply.
    func succeeded(_ reply: ChatTurnReply) {
        guard let span else { return }
        if let provider = reply.provider { span.attributes["switchyard.provider"] = provider }
        if let model = reply.model { span.attributes["gen_ai.response.model"] = model }
        span.attributes["gen_ai.usage.input_tokens"] = reply.usage.promptTokens
        span.attributes["gen_ai.usage.output_tokens"] = reply.usage.completionTokens
        if reply.interrupted { span.attributes["switchyard.interrupted"] = true }
        if recordsContent {
            span.attributes["langfuse.trace.output"] = reply.message
            span.attributes["langfuse.observation.output"] = reply.message
        }
        span.end()
    }

    /// Ends the span with what went wrong: a ``ChatFailure``'s code, or the error's type.
    func failed(_ error: any Error) {
        guard let span else { return }
        let type = (error as? ChatFailure)?.code ?? String(describing: Swift.type(of: error))
        span.attributes["error.type"] = type
        span.setStatus(SpanStatus(code: .error, message: type))
        span.end()
    }
}

extension ChatService {
    /// Starts a turn's span as a child of the current one (the request's); its name is `chat turn`.
    func startTurnSpan(slug: String) -> TurnSpan {
        guard let tracing else { return TurnSpan(span: nil, recordsContent: false) }
        let span = tracing.tracer.startAnySpan(
            "chat turn", context: InstrumentationContext.current ?? .topLevel, ofKind: .internal,
            at: DefaultTracerClock.now, function: #function, file: #fileID, line: #line)
        span.attributes["gen_ai.operation.name"] = "chat"
        span.attributes["switchyard.bot"] = slug
        return TurnSpan(span: span, recordsContent: tracing.recordsContent)
    }

    /// Runs `body` in a child span of the current one named `name` (the prompt render, the database commit).
    func childSpan<T>(_ name: String, _ body: () async throws -> T) async rethrows -> T {
        guard let tracing else { return try await body() }
        let span = tracing.tracer.startAnySpan(
            name, context: InstrumentationContext.current ?? .topLevel, ofKind: .internal,
            at: DefaultTracerClock.now, function: #function, file: #fileID, line: #line)
        defer { span.end() }
        do {
            return try await InstrumentationContext.$current.withValue(span.context) { try await body() }
        } catch {
            span.attributes["error.type"] = String(describing: type(of: error))
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }
}
