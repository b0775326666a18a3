import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// Tracks what a stream delivered, so that usage is known even when it is cut.
struct StreamTally {
    private(set) var characters = 0
    private(set) var reported: Usage?
    /// The provider's finish reason, once it sent one.
    private(set) var finishReason: FinishReason?
    var finished: Bool { finishReason != nil }

    mutating func add(_ event: StreamEvent) {
        switch event {
        case .delta(let text): characters += text.count
        case .usage(let usage): reported = usage
        case .finish(let reason): finishReason = reason
        }
    }

    /// The provider's last reported usage; if it reported none (a cut stream), an estimate of the completion at
    /// four characters a token, so that streamed spend is never recorded as zero.
    var usage: Usage {
        if let reported { return reported }
        return Usage(promptTokens: 0, completionTokens: (characters + 3) / 4)
    }
}

/// Encodes OpenAI `chat.completion.chunk` events as SSE frames.
struct ChunkEncoder {
    let id: String
    let created: Int
    let model: String
    let includeUsage: Bool

    static let done = ByteBuffer(string: "data: [DONE]\n\n")

    private func frame(_ value: some Encodable) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        var json = try JSONCoding.encode(value)
        buffer.writeBuffer(&json)
        buffer.writeString("\n\n")
        return buffer
    }

    private func chunk(delta: ChatCompletionChunkDTO.Choice.Delta, finish: String?) -> ChatCompletionChunkDTO {
        ChatCompletionChunkDTO(
            id: id, created: created, model: model,
            choices: [.init(delta: delta, finishReason: finish)], usage: includeUsage ? .some(nil) : nil)
    }

    func roleChunk() throws -> ByteBuffer {
        try frame(chunk(delta: .init(role: "assistant", content: ""), finish: nil))
    }

    func chunk(for event: StreamEvent) throws -> ByteBuffer? {
        switch event {
        case .delta(let text): try frame(chunk(delta: .init(content: text), finish: nil))
        case .finish(let reason): try frame(chunk(delta: .init(), finish: reason.rawValue))
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
