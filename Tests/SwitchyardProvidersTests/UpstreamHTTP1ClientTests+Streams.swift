import NIOCore
import NIOHTTP1
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// Streamed answers go through the same pooled client: the body arrives a read at a time, a reader that falls behind
/// holds the upstream back, and a body left unfinished (dropped, cancelled, past its deadline) closes its connection
/// instead of leaving it in the pool.
extension UpstreamHTTP1ClientTests {
    func open(
        _ transport: HTTPTransport, _ url: String, timeout: Duration = .seconds(5)
    ) async throws
        -> UpstreamStream
    {
        try await transport.open(
            url: url, headers: ["content-type": "application/json"], body: ByteBuffer(string: #"{"stream":true}"#),
            timeout: timeout)
    }

    /// A chunked answer with these parts, ended unless `end` is false (the rest never comes).
    static func chunked(_ parts: [String], end: Bool = true) -> String {
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
            + parts.map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined() + (end ? "0\r\n\r\n" : "")
    }

    /// Waits up to 2 s for `condition` (less than the exchanges' 5 s deadline, which would close them anyway).
    func waitUntil(_ what: Comment, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(2)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record(what)
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func aStreamedBodyReadToItsEndLeavesItsConnectionToTheNextExchange() async throws {
        try await withServer { transport, server, url in
            server.enqueue(
                .bytes(Self.chunked(["data: 1\n\n", "data: 2\n\n"]), close: false),
                .bytes(Self.chunked(["data: 3\n\n"]), close: false))
            let first = try await open(transport, url)
            #expect(first.status == 200)
            #expect(first.headers.value("content-type") == "text/event-stream")
            #expect(String(buffer: try await first.body.collect(upTo: 1 << 10)) == "data: 1\n\ndata: 2\n\n")
            let second = try await open(transport, url)
            #expect(String(buffer: try await second.body.collect(upTo: 1 << 10)) == "data: 3\n\n")
            #expect(server.connections == 1)
            #expect(server.requests.first?.hasSuffix("\r\n\r\n" + #"{"stream":true}"#) == true)
        }
    }

    @Test func aBodyDroppedBeforeItsEndClosesItsConnection() async throws {
        try await withServer { transport, server, url in
            server.enqueue(
                .bytes(Self.chunked(["data: 1\n\n"], end: false), close: false),
                .bytes(Self.chunked(["data: 2\n\n"]), close: false))
            do {
                let first = try await open(transport, url)
                var parts = first.body.makeAsyncIterator()
                #expect(try await parts.next().map { String(buffer: $0) } == "data: 1\n\n")
            }
            try await waitUntil("the unfinished exchange's connection was not closed") { server.closed == 1 }
            let second = try await open(transport, url)
            #expect(String(buffer: try await second.body.collect(upTo: 1 << 10)) == "data: 2\n\n")
            #expect(server.connections == 2)
        }
    }

    @Test func aReaderThatFallsBehindHoldsTheUpstreamBack() async throws {
        try await withServer { transport, server, url in
            // Far more than the loopback socket buffers hold: the upstream can write it all only if the client reads.
            let size = 32 << 20
            server.enqueue(.bytes(RawHTTPServer.json(String(repeating: "x", count: size)), close: false))
            let stream = try await open(transport, url)
            try await Task.sleep(for: .milliseconds(500))
            #expect(server.written == 0, "the client read the whole answer into memory while nobody consumed it")
            #expect(try await stream.body.collect(upTo: size).readableBytes == size)
            try await waitUntil("the upstream's write never completed") { server.written == 1 }
        }
    }

    @Test func cancellingAWaitingReaderClosesTheConnection() async throws {
        try await withServer { transport, server, url in
            server.enqueue(.bytes(Self.chunked(["data: 1\n\n"], end: false), close: false))
            let stream = try await open(transport, url)
            let body = stream.body
            let reader = Task {
                var parts = body.makeAsyncIterator()
                _ = try await parts.next()
                return try await parts.next()
            }
            try await Task.sleep(for: .milliseconds(100))
            reader.cancel()
            await #expect(throws: CancellationError.self) { try await reader.value }
            try await waitUntil("the cancelled exchange's connection was not closed") { server.closed == 1 }
            // The body was held until here: the close came from the cancellation, not from dropping it.
            withExtendedLifetime(stream) {}
        }
    }

    @Test func aBodyThatStallsPastTheDeadlineIsATimeout() async throws {
        try await withServer { transport, server, url in
            server.enqueue(.bytes(Self.chunked(["data: 1\n\n"], end: false), close: false))
            let stream = try await open(transport, url, timeout: .seconds(1))
            var parts = stream.body.makeAsyncIterator()
            #expect(try await parts.next().map { String(buffer: $0) } == "data: 1\n\n")
            let error = await #expect(throws: UpstreamHTTPError.self) { try await parts.next() }
            #expect(error.map { HTTPTransport.classify($0).kind } == .timeout)
            try await waitUntil("the timed-out connection was not closed") { server.closed == 1 }
            withExtendedLifetime(stream) {}
        }
    }
}
