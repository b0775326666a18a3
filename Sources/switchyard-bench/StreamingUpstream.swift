import ArgumentParser
import NIOCore
import NIOPosix
import SwitchyardHTTP1

/// An OpenAI-compatible `POST /v1/chat/completions` that streams `chunks` content chunks `interval-ms` apart (then
/// the finish chunk, a usage chunk and `[DONE]`), or answers at once when the request does not stream.
///
/// The load tool shares the machine with the gateway it measures, so it costs as little as it can: its answers are
/// HTTP/1.1 bytes made once at start (each chunk already framed), written as they are with no codec; and a stream is
/// not a timer of its own but an entry in its event loop's ``StreamPacer``, which wakes once for every stream due
/// within the same millisecond. With NIO's HTTP/1 codec and a repeated timer per stream it used 19 µs of CPU per
/// chunk with 1,000 streams, three quarters of what the gateway between it and the clients used.
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
        let group = MultiThreadedEventLoopGroup.singleton
        let pacers = StreamPacer.Pacers(group: group, interval: .milliseconds(Int64(intervalMs)))
        // A thousand streams open their upstream connections within a second.
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.maxMessagesPerRead, value: 256)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        CompletionsHandler(frames: frames, pacer: pacers.pacer(of: channel.eventLoop)))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        print("upstream listening on 127.0.0.1:\(port)")
        try await channel.closeFuture.get()
    }
}

/// The head of a request to the fake upstream: only how long its body is and whether the client closes after it.
struct BenchRequestHead: HTTP1HeadReading {
    var close: Bool

    static func head(lines: [Range<Int>], in bytes: UnsafeRawBufferPointer) throws -> (Self, HTTP1Framing)? {
        let start = UnsafeRawBufferPointer(rebasing: bytes[lines[0]])
        guard start.firstIndex(of: UInt8(ascii: " ")) != nil else { throw HTTP1Malformed("no request line") }
        var fields = HTTP1HeadFields()
        try fields.read(lines.dropFirst(), in: bytes) { _, _ in }
        let http10 = start.count >= 8 && start.suffix(3).elementsEqual("1.0".utf8)
        let close = fields.close || (http10 && !fields.keepAliveAsked)
        return (Self(close: close), fields.length.map { $0 > 0 ? .length($0) : .none } ?? .none)
    }
}

/// Answers each request once its body has arrived: a stream paced by its loop's ``StreamPacer``, anything else as
/// one completion.
final class CompletionsHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let frames: Frames.Encoded
    private let pacer: StreamPacer
    private var reader = HTTP1MessageReader<BenchRequestHead>()
    private var events: [HTTP1MessageReader<BenchRequestHead>.Event] = []
    private var body = ByteBuffer()
    private var close = false
    private var context: ChannelHandlerContext?
    /// Content chunks sent of the current stream; nil when none is under way.
    private(set) var sent: Int?

    init(frames: Frames.Encoded, pacer: StreamPacer) {
        self.frames = frames
        self.pacer = pacer
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try reader.feed(unwrapInboundIn(data), into: &events)
        } catch {
            context.close(promise: nil)
            return
        }
        defer { events.removeAll(keepingCapacity: true) }
        for event in events {
            switch event {
            case .head(let head):
                close = head.close
                body.clear()
            case .body(var part):
                body.writeBuffer(&part)
            case .end:
                if body.readableBytesView.firstRange(of: #""stream":true"#.utf8) != nil {
                    context.writeAndFlush(wrapOutboundOut(frames.streamHead), promise: nil)
                    sent = 0
                    pacer.add(self)
                } else {
                    finish(frames.completion)
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The pacer drops a stream whose connection is gone when it next comes due.
        sent = nil
        context.fireChannelInactive()
    }

    /// Sends the stream's next frame (the pacer calls it every interval, on the loop).
    /// - Returns: Whether the stream goes on.
    func sendNext() -> Bool {
        guard let context, let sent, context.channel.isActive else { return false }
        guard sent < frames.content.count else {
            self.sent = nil
            finish(frames.streamEnd)
            return false
        }
        context.writeAndFlush(wrapOutboundOut(frames.content[sent]), promise: nil)
        self.sent = sent + 1
        return true
    }

    private func finish(_ bytes: ByteBuffer) {
        guard let context else { return }
        let future = context.writeAndFlush(wrapOutboundOut(bytes))
        if close { future.whenComplete { _ in context.close(promise: nil) } }
    }
}

/// One event loop's streams in the order they come due. Every stream has the same interval, so a stream sent now and
/// due again one interval later goes behind all the others (they are due sooner): a queue, not a heap. One timer is
/// set for the first stream due, and each time it fires it sends every stream due within the next millisecond.
final class StreamPacer {
    private let loop: any EventLoop
    private let interval: TimeAmount
    private var due = CircularBuffer<(stream: CompletionsHandler, at: NIODeadline)>()
    private var timer: Scheduled<Void>?

    init(loop: any EventLoop, interval: TimeAmount) {
        self.loop = loop
        self.interval = interval
    }

    /// Starts pacing `stream`: its first content chunk is due one interval from now.
    func add(_ stream: CompletionsHandler) {
        due.append((stream, loop.now + interval))
        if timer == nil { schedule() }
    }

    private func schedule() {
        guard let first = due.first else { return }
        timer = loop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: first.at) { [self] in
            timer = nil
            let horizon = loop.now + .milliseconds(1)
            while let next = due.first, next.at <= horizon {
                due.removeFirst()
                if next.stream.sendNext() { due.append((next.stream, next.at + interval)) }
            }
            schedule()
        }
    }

    /// A pacer per loop of a group, each used only on its loop.
    struct Pacers: @unchecked Sendable {
        private let byLoop: [ObjectIdentifier: StreamPacer]

        init(group: MultiThreadedEventLoopGroup, interval: TimeAmount) {
            var byLoop: [ObjectIdentifier: StreamPacer] = [:]
            for loop in group.makeIterator() {
                byLoop[ObjectIdentifier(loop)] = StreamPacer(loop: loop, interval: interval)
            }
            self.byLoop = byLoop
        }

        func pacer(of loop: any EventLoop) -> StreamPacer {
            byLoop[ObjectIdentifier(loop)]!
        }
    }
}

/// The upstream's bytes, in OpenAI's chat completion shapes.
enum Frames {
    /// One stream's answer and the plain completion, as HTTP/1.1 bytes encoded once: a stream's head with its role
    /// chunk, each content chunk framed, the finish with the last chunk; the completion with its head.
    struct Encoded: Sendable {
        let streamHead: ByteBuffer
        let content: [ByteBuffer]
        let streamEnd: ByteBuffer
        let completion: ByteBuffer

        init(chunks: Int) {
            var head = ByteBuffer(
                string: "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            head.writeChunk(Frames.chunk(#"{"role":"assistant","content":""}"#))
            streamHead = head
            content = (0..<chunks).map { index in
                var chunk = ByteBuffer()
                chunk.writeChunk(Frames.chunk(#"{"content":"w\#(index) "}"#))
                return chunk
            }
            var end = ByteBuffer()
            end.writeChunk(Frames.finish(completionTokens: chunks))
            end.writeString("0\r\n\r\n")
            streamEnd = end
            completion = ByteBuffer(
                string: "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                    + "\(Frames.completion.utf8.count)\r\n\r\n" + Frames.completion)
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

extension ByteBuffer {
    /// `text` as one chunk of a chunked body.
    fileprivate mutating func writeChunk(_ text: String) {
        writeString(String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n")
    }
}
