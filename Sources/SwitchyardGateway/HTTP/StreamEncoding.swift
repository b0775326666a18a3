import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// Encodes OpenAI `chat.completion.chunk` events as SSE frames. Every chunk of a stream shares its id, creation time
/// and model, so the bytes before the delta and after the finish reason are written once; a content chunk is then
/// those bytes around its quoted text.
struct ChunkEncoder {
    let id: String
    let created: Int
    let model: String
    let includeUsage: Bool
    /// `data: {"id":…,"model":…,"choices":[{"index":0,"delta":`
    private let head: [UInt8]
    /// `}]` (and `,"usage":null` when the client asked for usage) `}` and the frame's blank line.
    private let tail: [UInt8]

    static let done = ByteBuffer(string: "data: [DONE]\n\n")

    init(id: String, created: Int, model: String, includeUsage: Bool) {
        self.id = id
        self.created = created
        self.model = model
        self.includeUsage = includeUsage
        var head = JSONWriter(capacity: 160)
        head.raw("data: {")
        head.key("id")
        head.string(id)
        head.raw(#","object":"chat.completion.chunk","created":"#)
        head.int(created)
        head.comma()
        head.key("model")
        head.string(model)
        head.raw(#","choices":[{"index":0,"delta":"#)
        self.head = head.bytes
        var tail = JSONWriter(capacity: 32)
        tail.raw("}]")
        if includeUsage { tail.raw(#","usage":null"#) }
        tail.raw("}\n\n")
        self.tail = tail.bytes
    }

    private func frame(_ value: some Encodable) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        var json = try JSONCoding.encode(value)
        buffer.writeBuffer(&json)
        buffer.writeString("\n\n")
        return buffer
    }

    /// A chunk: the shared head, the delta written by `delta`, the finish reason, the shared tail.
    private func chunk(finish: String?, delta: (inout JSONWriter) -> Void) -> ByteBuffer {
        var writer = JSONWriter(capacity: 0)
        delta(&writer)
        writer.raw(#","finish_reason":"#)
        writer.string(finish)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(head.count + writer.bytes.count + tail.count)
        buffer.writeBytes(head)
        buffer.writeBytes(writer.bytes)
        buffer.writeBytes(tail)
        return buffer
    }

    func roleChunk() -> ByteBuffer {
        chunk(finish: nil) { $0.raw(#"{"role":"assistant","content":""}"#) }
    }

    func chunk(for event: StreamEvent) -> ByteBuffer? {
        switch event {
        case .delta(let text):
            chunk(finish: nil) { writer in
                writer.raw(#"{"content":"#)
                writer.string(text)
                writer.raw("}")
            }
        case .finish(let reason): chunk(finish: reason.rawValue) { $0.raw("{}") }
        case .usage: nil
        }
    }

    func usageChunk(_ usage: Usage, cost: Int64?) throws -> ByteBuffer {
        try frame(
            ChatCompletionChunkDTO(
                id: id, created: created, model: model, choices: [], usage: .some(CostedUsage(usage, cost: cost))))
    }

    func errorChunk(_ failure: ProviderFailure, usage: Usage) throws -> ByteBuffer {
        try frame(
            StreamErrorDTO(
                error: .init(
                    message: "The stream was interrupted after it began: \(failure.message)",
                    type: "server_error", param: nil, code: "stream_interrupted_\(failure.kind.rawValue)"),
                usage: usage))
    }
}
