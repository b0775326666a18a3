import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOPosix
import SwitchyardHTTP
import Synchronization
import Testing

@testable import SwitchyardServer

/// The service's HTTP/1 connections, seen from a client that writes and reads raw bytes: pipelined requests are
/// answered in order, requests that must not reach the application are refused and close the connection, a client
/// that half-closes still gets its answer, and a streamed answer waits for a client that does not read.
@Suite struct DirectHTTP1ChannelTests {
    /// Echoes the method, path and body; `/stream?n=N` streams N numbered lines from a relay (off the loop),
    /// `/big?chunks=N` streams N chunks of 64 KiB, counting each one written, `/large?bytes=N` answers N bytes of known
    /// length, `/empty` 204, and `/hold` waits 10 s unless cancelled, counting a cancellation.
    static func answer(counter: Counter = Counter()) -> DirectHTTP1Channel.Answer {
        { request, _ in
            let query = request.uri.queryParameters
            switch request.uri.path {
            case "/hold":
                do {
                    try await Task.sleep(for: .seconds(10))
                    return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "slept")))
                } catch {
                    counter.add()
                    return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "cancelled")))
                }
            case "/stream":
                let count = query.get("n", as: Int.self) ?? 0
                return Response(
                    status: .ok,
                    body: .relay { writer in
                        for index in 0..<count { try await writer.write(ByteBuffer(string: "line \(index)\n")) }
                        try await writer.finish(nil)
                    })
            case "/empty":
                return Response(status: .noContent, headers: [.contentLength: "0"])
            case "/large":
                // Known length, longer than what is copied after the head.
                let size = query.get("bytes", as: Int.self) ?? 0
                return Response(
                    status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "y"), count: size)))
            case "/big":
                let chunks = query.get("chunks", as: Int.self) ?? 0
                return Response(
                    status: .ok,
                    body: .init { writer in
                        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
                        for _ in 0..<chunks {
                            try await writer.write(chunk)
                            counter.add()
                        }
                        try await writer.finish(nil)
                    })
            default:
                let body = (try? await request.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? "?"
                let text = "\(request.method.rawValue) \(request.uri.path) \(body)"
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
    }

    func withServer(
        maximumBodyBytes: Int = 1 << 20, counter: Counter = Counter(), drain: Drain? = nil,
        _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        var child = DirectHTTP1Channel(answer: Self.answer(counter: counter))
        child.maximumBodyBytes = maximumBodyBytes
        child.drain = drain
        try await ListeningServerTests.withListener(child, preferLoops: true) { port, _, _, _ in try await body(port) }
    }

    static func post(_ path: String, _ body: String, extra: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)"
    }

    @Test func pipelinedRequestsAreAnsweredInOrderEvenAfterAStreamWrittenOffTheLoop() async throws {
        try await withServer { port in
            let client = try await RawClient.connect(port: port)
            try await client.send(
                Self.post("/one", "first") + "GET /stream?n=200 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + Self.post("/three", "third"))
            let text = try await client.read { $0.contains("POST /three third") }
            let one = try #require(text.range(of: "POST /one first"))
            let stream = try #require(text.range(of: "line 0\n"))
            let last = try #require(text.range(of: "line 199\n"))
            let three = try #require(text.range(of: "POST /three third"))
            #expect(one.upperBound <= stream.lowerBound && last.upperBound <= three.lowerBound)
            // Every line, in order, chunked.
            let lines = text.unicodeScalars.split(separator: "\n").map { String(String.UnicodeScalarView($0)) }
            #expect(lines.filter { $0.hasPrefix("line ") } == (0..<200).map { "line \($0)" })
            #expect(text.contains("transfer-encoding: chunked"))
            #expect(!client.isClosed)
            await client.close()
        }
    }

    @Test(arguments: [false, true])
    func aBodyOverTheLimitIsRefusedWith413AndTheConnectionCloses(chunked: Bool) async throws {
        try await withServer(maximumBodyBytes: 64) { port in
            let client = try await RawClient.connect(port: port)
            let body = String(repeating: "a", count: 100)
            let request =
                chunked
                ? "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n\(body)\r\n0\r\n\r\n"
                : Self.post("/x", body)
            try await client.send(request + Self.post("/after", "never"))
            let text = try await client.untilClosed()
            #expect(text.hasPrefix("HTTP/1.1 413"))
            #expect(text.contains(#""code":"request_too_large""#))
            #expect(text.lowercased().contains("connection: close"))
            #expect(!text.contains("never"), "nothing after the refused request is answered")
        }
    }

    @Test func aRequestThatIsNotHTTPIsRefusedWith400AndTheConnectionCloses() async throws {
        try await withServer { port in
            let client = try await RawClient.connect(port: port)
            try await client.send(Self.post("/ok", "fine") + "NOT HTTP AT ALL\r\n\r\n")
            let text = try await client.untilClosed()
            #expect(text.contains("POST /ok fine"))
            #expect(text.contains("HTTP/1.1 400"))
            #expect(text.contains(#""type":"invalid_request_error""#))
        }
    }

    @Test(arguments: [
        "GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        "GET /a HTTP/1.0\r\n\r\n",
    ])
    func aRequestThatDoesNotKeepTheConnectionIsAnsweredAndClosed(request: String) async throws {
        try await withServer { port in
            let client = try await RawClient.connect(port: port)
            try await client.send(request)
            let text = try await client.untilClosed()
            #expect(text.contains("GET /a"))
            #expect(text.lowercased().contains("connection: close"))
        }
    }

    @Test func aClientThatHalfClosesAfterItsRequestStillGetsTheWholeAnswer() async throws {
        try await withServer { port in
            let client = try await RawClient.connect(port: port)
            try await client.send(Self.post("/half", "closed") + "GET /stream?n=50 HTTP/1.1\r\nHost: t\r\n\r\n")
            try await client.closeOutput()
            let text = try await client.untilClosed()
            #expect(text.contains("POST /half closed"))
            #expect(text.hasSuffix("line 49\n\r\n0\r\n\r\n"), "the stream ends whole")
        }
    }

    @Test func answersAreFramedByTheirRequestAndStatus() async throws {
        try await withServer { port in
            let client = try await RawClient.connect(port: port)
            try await client.send(
                "HEAD /head HTTP/1.1\r\nHost: t\r\n\r\n" + "GET /empty HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /large?bytes=100000 HTTP/1.1\r\nHost: t\r\n\r\n" + Self.post("/last", "done"))
            let text = try await client.read { $0.hasSuffix("POST /last done") }
            let answers = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { "HTTP/1.1 " + $0 }
            try #require(answers.count == 4, "\(answers.map { $0.prefix(40) })")
            // HEAD: the GET's length, and no body (the next answer follows the blank line at once).
            #expect(answers[0].hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(answers[0].lowercased().contains("content-length: \("HEAD /head ".utf8.count)\r\n"))
            #expect(answers[0].hasSuffix("\r\n\r\n"))
            // 204: no body and no chunked framing.
            #expect(answers[1].hasPrefix("HTTP/1.1 204 No Content\r\n"))
            #expect(!answers[1].lowercased().contains("transfer-encoding") && answers[1].hasSuffix("\r\n\r\n"))
            // A long body of known length comes whole, unchunked.
            #expect(answers[2].lowercased().contains("content-length: 100000\r\n"))
            #expect(answers[2].hasSuffix("\r\n\r\n" + String(repeating: "y", count: 100_000)))
            #expect(!client.isClosed)
            await client.close()
        }
    }

    @Test func aStreamedAnswerWaitsWhileTheClientDoesNotRead() async throws {
        let written = Counter()
        try await withServer(counter: written) { port in
            let client = try await RawClient.connect(port: port, reading: false)
            try await client.send("GET /big?chunks=512 HTTP/1.1\r\nHost: t\r\n\r\n")
            try await Task.sleep(for: .milliseconds(500))
            // 32 MiB in all; the kernel's buffers and the channel's high-water mark hold a few MiB at most.
            let early = written.count
            #expect(early < 256, "the stream went on while the client read nothing (\(early) of 512 chunks)")
            client.startReading()
            let length = try await client.readCount(atLeast: 512 * 64 * 1024)
            #expect(length >= 512 * 64 * 1024)
            #expect(written.count == 512)
            await client.close()
        }
    }

    @Test func aClientThatExpectsContinueIsToldToSendItsBody() async throws {
        try await withServer { port in
            let client = try await RawClient.connect(port: port)
            try await client.send(
                "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try await client.read { $0.contains("\r\n\r\n") }
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n"))
            try await client.send("body")
            let text = try await client.read { $0.contains("POST /upload body") }
            #expect(text.contains("HTTP/1.1 200"))
            await client.close()
        }
    }

    @Test func aClientThatGoesCancelsTheAnswerInFlight() async throws {
        let cancelled = Counter()
        try await withServer(counter: cancelled) { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
            try await Task.sleep(for: .milliseconds(100))
            await client.close()
            for _ in 0..<200 where cancelled.count == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(cancelled.count == 1, "the answer went on after its client had gone")
        }
    }

    @Test func theEndOfTheDrainTimeCancelsTheAnswerInFlightWhichIsStillWritten() async throws {
        let cancelled = Counter()
        let drain = Drain()
        try await withServer(counter: cancelled, drain: drain) { port in
            let client = try await RawClient.connect(port: port)
            try await client.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
            try await Task.sleep(for: .milliseconds(100))
            drain.expired.fire()
            let text = try await client.read { $0.hasSuffix("cancelled") }
            #expect(text.hasPrefix("HTTP/1.1 200") && text.hasSuffix("cancelled"))
            #expect(cancelled.count == 1)
            await client.close()
        }
    }
}

/// Counts what a handler did.
final class Counter: Sendable {
    private let value = Atomic(0)

    func add() { value.add(1, ordering: .relaxed) }

    var count: Int { value.load(ordering: .relaxed) }
}

/// A TCP client that writes raw bytes and collects what comes back.
final class RawClient: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex((bytes: ByteBuffer(), closed: false))

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            received.withLock { $0.bytes.writeBuffer(&buffer) }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case ChannelEvent.inputClosed = event { received.withLock { $0.closed = true } }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.withLock { $0.closed = true }
        }
    }

    private let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    /// - Parameter reading: Whether to read as bytes come (else only after ``startReading()``).
    static func connect(port: Int, reading: Bool = true) async throws -> RawClient {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .channelOption(ChannelOptions.autoRead, value: reading)
            .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 64 * 1024)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawClient(channel: channel, collector: collector)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    func closeOutput() async throws {
        try await channel.close(mode: .output).get()
    }

    func startReading() {
        channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        channel.read()
    }

    var isClosed: Bool { collector.received.withLock { $0.closed } }

    private var text: String { collector.received.withLock { String(buffer: $0.bytes) } }

    /// What came so far, once `done` holds for it (within 10 s).
    func read(until done: (String) -> Bool) async throws -> String {
        for _ in 0..<1_000 {
            let text = self.text
            if done(text) { return text }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("no answer matched within 10 s; got: \(text.prefix(500))")
        return text
    }

    /// Everything that came before the server closed the connection (within 10 s).
    func untilClosed() async throws -> String {
        _ = try await read { _ in isClosed }
        #expect(isClosed, "the server did not close the connection")
        return text
    }

    /// How many bytes came, once at least `count` have (within 10 s).
    func readCount(atLeast count: Int) async throws -> Int {
        for _ in 0..<1_000 {
            let length = collector.received.withLock { $0.bytes.readableBytes }
            if length >= count { return length }
            try await Task.sleep(for: .milliseconds(10))
        }
        return collector.received.withLock { $0.bytes.readableBytes }
    }

    func close() async {
        try? await channel.close().get()
    }
}
