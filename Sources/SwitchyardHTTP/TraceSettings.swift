import Tracing

/// Where spans go, and whether they may carry the conversation.
public struct TraceSettings: Sendable {
    public var tracer: any Tracer
    /// Prompts and replies go into spans (`langfuse.observation.input`/`output`) only when this is on
    /// (`SWITCHYARD_TRACE_CONTENT=true`).
    public var recordsContent: Bool

    /// - Parameters:
    ///   - tracer: The tracer.
    ///   - recordsContent: Whether prompts and replies go into spans.
    public init(tracer: any Tracer, recordsContent: Bool = false) {
        self.tracer = tracer
        self.recordsContent = recordsContent
    }
}
