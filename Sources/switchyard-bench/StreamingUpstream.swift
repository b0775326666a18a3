import ArgumentParser
import NIOCore
import NIOHTTP1
import NIOPosix

/// An OpenAI-compatible `POST /v1/chat/completions` that streams `chunks` content chunks `interval-ms` apart (then
/// the finish chunk, a usage chunk and `[DONE]`), or answers at once when the request does not stream.
///
/// Plain NIO: each stream is a timer on its connection's event loop that writes the next frame, with no task, no
/// async writer and no hop per chunk. The load tool shares the machine with the gateway it measures, so it should
/// cost as little as it can (with Hummingbird and a sleeping task per stream it used about as much CPU per chunk as
/// the gateway did).
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
        // Every stream sends the same bytes: written once, shared by every stream's writes.
        let frames = Frames.Encoded(chunks: chunks)
        let interval = TimeAmount.milliseconds(Int64(intervalMs))
        // A thousand streams open their upstream connections within a second.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.maxMessagesPerRead, value: 256)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        CompletionsHandler(frames: frames, interval: interval))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        print("upstream listening on 127.0.0.1:\(port)")
        try await channel.closeFuture.get()
    }
}

/// Answers each request once its end has arrived: a stream as timed frames, anything else as one completion.
private final class CompletionsHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let frames: Frames.Encoded
    let interval: TimeAmount
    private var body = ByteBuffer()
    private var keepAlive = true
    private var timer: RepeatedTask?

    init(frames: Frames.Encoded, interval: TimeAmount) {
        self.frames = frames
        self.interval = interval
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            if String(buffer: body).contains(#""stream":true"#) {
                stream(context: context)
            } else {
                let completion = ByteBuffer(string: Frames.completion)
                write(
                    head: ["content-type": "application/json", "content-length": "\(completion.readableBytes)"],
                    context: context)
                context.write(wrapOutboundOut(.body(.byteBuffer(completion))), promise: nil)
                end(context: context)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func write(head fields: HTTPHeaders, context: ChannelHandlerContext) {
        var headers = fields
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(.init(version: .http1_1, status: .ok, headers: headers))), promise: nil)
    }

    private func end(context: ChannelHandlerContext) {
        let keepAlive = self.keepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }

    /// The role frame now, then a content frame per interval, then the finish frames.
    private func stream(context: ChannelHandlerContext) {
        write(head: ["content-type": "text/event-stream"], context: context)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(frames.role))), promise: nil)
        var sent = 0
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { task in
            let (handler, context) = loopBound.value
            guard context.channel.isActive else { return task.cancel() }
            if sent < handler.frames.content.count {
                context.writeAndFlush(
                    handler.wrapOutboundOut(.body(.byteBuffer(handler.frames.content[sent]))),
                    promise: nil)
                sent += 1
            } else {
                task.cancel()
                handler.timer = nil
                context.write(handler.wrapOutboundOut(.body(.byteBuffer(handler.frames.finish))), promise: nil)
                handler.end(context: context)
            }
        }
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
