import Foundation
import Hummingbird
import NIOCore
import SwitchyardCore
import SwitchyardHTTP

/// A streamed turn as Server-Sent Events: `event: delta` `{"text"}` per piece, then `event: done` with the reply
/// (`session_id`, `message_id`, `usage`, `charge`, `balance`, …), or `event: error` when the upstream broke the stream
/// after it began (the delivered part is stored, marked interrupted, and charged; the event carries it). A client that
/// leaves ends the stream the same way, with nothing more sent.
enum ChatStreamResponse {
    static func response(_ start: ChatStreamStart, chat: ChatService) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let body = ResponseBody.relay { writer in
            switch start {
            case .stored(let reply):
                // A repeated idempotency key: the stored reply, at once.
                try await writer.write(frame("delta", StreamDeltaEvent(text: reply.message)))
                try await writer.write(frame("done", ChatOutput(reply)))
            case .live(let delivery):
                var clientGone = false
                while let piece = await delivery.next() {
                    do {
                        try await writer.write(frame("delta", StreamDeltaEvent(text: piece)))
                    } catch {
                        clientGone = true
                        break
                    }
                    delivery.delivered(piece)
                }
                do {
                    let (reply, failure) = try await chat.complete(delivery)
                    guard !clientGone else { break }
                    if let failure {
                        try await writer.write(
                            frame(
                                "error",
                                StreamErrorEvent(
                                    error: .init(code: failure.code, message: failure.message),
                                    reply: ChatOutput(reply))))
                    } else {
                        try await writer.write(frame("done", ChatOutput(reply)))
                    }
                } catch {
                    guard !clientGone else { break }
                    let failure =
                        error as? ChatFailure
                        ?? ChatFailure(
                            kind: .unavailable(retryAfterSeconds: ChatFailure.defaultRetryAfterSeconds),
                            code: "internal_error", message: "The reply could not be saved. Please try again.")
                    try? await writer.write(
                        frame("error", StreamErrorEvent(error: .init(code: failure.code, message: failure.message))))
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func frame(_ event: String, _ value: some Encodable) throws -> ByteBuffer {
        try SSEFrame.named(event, value)
    }
}
