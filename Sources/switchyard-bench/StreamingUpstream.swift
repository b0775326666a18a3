import ArgumentParser
import Hummingbird
import NIOCore

/// An OpenAI-compatible `POST /v1/chat/completions` that streams `chunks` content chunks `interval-ms` apart (then
/// the finish chunk, a usage chunk and `[DONE]`), or answers at once when the request does not stream.
struct StreamingUpstream: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstream", abstract: "Serve a fake OpenAI upstream whose streams are slow.")

    @Option(help: "The port to listen on (127.0.0.1).")
    var port: Int = 18090

    @Option(help: "Content chunks per stream.")
    var chunks: Int = 200

    @Option(help: "Milliseconds between chunks.")
    var intervalMs: Int = 20

    func run() async throws {
        let router = Router()
        // Every stream sends the same bytes: written once, shared by every stream's writes.
        let frames = Frames.Encoded(chunks: chunks)
        let interval = Duration.milliseconds(intervalMs)
        router.post("/v1/chat/completions") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let streamed = String(buffer: body).contains(#""stream":true"#)
            guard streamed else {
                var headers = HTTPFields()
                headers[.contentType] = "application/json"
                return Response(
                    status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Frames.completion)))
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    try await writer.write(frames.role)
                    for frame in frames.content {
                        try await Task.sleep(for: interval)
                        try await writer.write(frame)
                    }
                    try await writer.write(frames.finish)
                    try await writer.finish(nil)
                })
        }
        // A thousand streams open their upstream connections within a second.
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), backlog: 4096))
        try await app.runService()
    }
}

/// The upstream's bytes, in OpenAI's chat completion shapes.
enum Frames {
    /// One stream's frames, encoded once.
    struct Encoded: Sendable {
        let role: ByteBuffer
        let content: [ByteBuffer]
        let finish: ByteBuffer

        init(chunks: Int) {
            role = ByteBuffer(string: Frames.chunk(#"{"role":"assistant","content":""}"#))
            content = (0..<chunks).map { ByteBuffer(string: Frames.chunk(#"{"content":"w\#($0) "}"#)) }
            finish = ByteBuffer(string: Frames.finish(completionTokens: chunks))
        }
    }

    static let head =
        #"{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764576000,"model":"gpt-4o-mini","#

    static func chunk(_ delta: String) -> String {
        "data: " + head + #""choices":[{"index":0,"delta":\#(delta),"finish_reason":null}]}"# + "\n\n"
    }

    static func finish(completionTokens: Int) -> String {
        "data: " + head + #""choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n"
            + "data: " + head
            + #""choices":[],"usage":{"prompt_tokens":12,"completion_tokens":\#(completionTokens),"total_tokens":\#(12 + completionTokens)}}"#
            + "\n\ndata: [DONE]\n\n"
    }

    static let completion =
        #"{"id":"chatcmpl-bench","object":"chat.completion","created":1764576000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}}"#
}
