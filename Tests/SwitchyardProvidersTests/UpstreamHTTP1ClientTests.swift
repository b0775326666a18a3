import AsyncHTTPClient
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOSSL
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// Answers read whole go through the pooled HTTP/1.1 client: against a server that speaks raw bytes, it keeps
/// connections alive, reads every framing, never reuses a closed connection, and classifies what goes wrong.
@Suite struct UpstreamHTTP1ClientTests {
    static let answer = #"{"id":"chatcmpl-1","object":"chat.completion"}"#

    func withServer(
        maximumResponseBytes: Int = 1 << 20, _ body: (HTTPTransport, RawHTTPServer, String) async throws -> Void
    ) async throws {
        let server = try await RawHTTPServer.start()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let transport = HTTPTransport(client: client, maximumResponseBytes: maximumResponseBytes)
        do {
            try await body(transport, server, "http://127.0.0.1:\(server.port)/v1/chat/completions?api-version=1")
        } catch {
            Issue.record(error)
        }
        transport.closeIdleConnections()
        try await client.shutdown()
        try await server.stop()
    }

    /// Posts `body`; the deadline is long enough for a machine busy with the rest of the suite unless a test needs a
    /// short one.
    func post(
        _ transport: HTTPTransport, _ url: String, _ body: String = #"{"model":"m"}"#,
        timeout: Duration = .seconds(3)
    ) async throws
        -> UpstreamResponse
    {
        try await transport.send(
            url: url, headers: ["authorization": "Bearer sk-test", "content-type": "application/json"],
            body: ByteBuffer(string: body), timeout: timeout)
    }

    @Test func aRequestOnAnEventLoopTakesThatLoopsMostRecentIdleConnection() throws {
        let (first, second) = (EmbeddedEventLoop(), EmbeddedEventLoop())
        let a = EmbeddedChannel(loop: first)
        let b = EmbeddedChannel(loop: second)
        let c = EmbeddedChannel(loop: first)
        var idle: [any Channel]? = [a, b, c]
        #expect(UpstreamHTTP1Client.take(from: &idle, on: second) === b)
        #expect(UpstreamHTTP1Client.take(from: &idle, on: second) == nil)
        #expect(UpstreamHTTP1Client.take(from: &idle, on: first) === c)
        #expect(idle?.count == 1 && idle?.first === a)
        // Off the event loops: the most recent, whatever its loop.
        idle?.append(b)
        #expect(UpstreamHTTP1Client.take(from: &idle, on: nil) === b)
        var none: [any Channel]? = nil
        #expect(UpstreamHTTP1Client.take(from: &none, on: first) == nil)
    }

    @Test func aNewConnectionIsNotIdleBeforeItsFirstExchange() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(
            handler: UpstreamExchangeHandler(idleTimeout: .milliseconds(100), release: { _ in }, closed: { _ in }),
            loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        // The request that opened the connection comes late (a busy event loop), well past the idle timeout. (The
        // handler reads the real clock, so the embedded loop is moved to real instants.)
        loop.advanceTime(to: .now() + .milliseconds(500))
        #expect(channel.isActive, "closed as idle before it carried anything")
        let promise = loop.makePromise(of: UpstreamResponse.self)
        try channel.writeOutbound(
            UpstreamRequest(
                head: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/"), body: nil,
                deadline: .now() + .seconds(5), maximumBytes: 1 << 10, reply: .whole(promise)))
        let written = try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) }
        #expect(written == "GET / HTTP/1.1\r\n\r\n")
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"))
        #expect(try promise.futureResult.wait().status == 200)
        // Idle from now: closed once the timeout has passed.
        loop.advanceTime(to: .now() + .milliseconds(150))
        #expect(!channel.isActive)
    }

    @Test func oneKeptConnectionCarriesEveryRequestWithItsHostLengthAndBody() async throws {
        try await withServer { transport, server, url in
            for index in 0..<5 {
                server.enqueue(.bytes(RawHTTPServer.json(Self.answer), close: false))
                let response = try await post(transport, url, #"{"model":"m","n":\#(index)}"#)
                #expect(response.status == 200)
                #expect(String(buffer: response.body) == Self.answer)
                #expect(response.headers.value("content-type") == "application/json")
            }
            #expect(server.connections == 1)
            let request = try #require(server.requests.last)
            #expect(request.hasPrefix("POST /v1/chat/completions?api-version=1 HTTP/1.1\r\n"))
            let head = request.lowercased()
            #expect(head.contains("\r\nhost: 127.0.0.1:\(server.port)\r\n"))
            #expect(head.contains("\r\ncontent-length: \(#"{"model":"m","n":4}"#.utf8.count)\r\n"))
            #expect(head.contains("\r\nauthorization: bearer sk-test\r\n"))
            #expect(request.hasSuffix("\r\n\r\n" + #"{"model":"m","n":4}"#))
        }
    }

    @Test func chunkedAndCloseDelimitedAnswersAreReadWholeAndACloseIsNotReused() async throws {
        try await withServer { transport, server, url in
            let chunked =
                "HTTP/1.1 429 Too Many Requests\r\ntransfer-encoding: chunked\r\nretry-after: 7\r\n\r\n"
                + "5\r\n{\"err\r\n8\r\nor\":true\r\n1\r\n}\r\n0\r\n\r\n"
            let untilClose = "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n" + Self.answer
            server.enqueue(
                .bytes(chunked, close: false), .bytes(untilClose, close: true),
                .bytes(RawHTTPServer.json("{}"), close: false))
            let limited = try await post(transport, url)
            #expect(limited.status == 429)
            #expect(String(buffer: limited.body) == #"{"error":true}"#)
            #expect(limited.headers.value("retry-after") == "7")
            let closed = try await post(transport, url)
            #expect(String(buffer: closed.body) == Self.answer)
            #expect(server.connections == 1)
            let next = try await post(transport, url)
            #expect(String(buffer: next.body) == "{}")
            #expect(server.connections == 2, "the connection the server closed was not taken again")
        }
    }

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() async throws {
        let server = try await RawHTTPServer.start()
        let client = UpstreamHTTP1Client(tls: .makeClientConfiguration(), idleTimeout: .milliseconds(200))
        let url = try #require(client.target("http://127.0.0.1:\(server.port)/v1/chat/completions"))
        func post() async throws -> UpstreamResponse {
            try await client.send(
                url, method: .POST, headers: ["content-type": "application/json"], body: ByteBuffer(string: "{}"),
                deadline: .now() + .seconds(5), maximumBytes: 1 << 20)
        }
        server.enqueue(.bytes(RawHTTPServer.json("1"), close: false), .bytes(RawHTTPServer.json("2"), close: false))
        _ = try await post()
        // The exchange's wake-up (its 5 s deadline) is later than the idle timeout: the idle one still comes.
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(String(buffer: try await post().body) == "2")
        #expect(server.connections == 2, "the connection idle past the timeout was closed, not reused")
        client.closeIdle()
        try await server.stop()
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplacedUnseen() async throws {
        try await withServer { transport, server, url in
            // Keep-alive announced, then closed after the answer, as a server whose idle timeout ends does.
            server.enqueue(
                .bytes(RawHTTPServer.json(Self.answer), close: true), .bytes(RawHTTPServer.json("{}"), close: false))
            _ = try await post(transport, url)
            try await Task.sleep(for: .milliseconds(100))
            let second = try await post(transport, url)
            #expect(String(buffer: second.body) == "{}")
            #expect(server.connections == 2)
        }
    }

    @Test func noAnswerBeforeTheDeadlineIsATimeoutAndACutIsATransportFailure() async throws {
        try await withServer { transport, server, url in
            server.enqueue(.silence, .cut, .bytes(RawHTTPServer.json(Self.answer), close: false))
            let started = ContinuousClock.now
            let silent = await #expect(throws: ProviderFailure.self) {
                try await post(transport, url, timeout: .milliseconds(500))
            }
            #expect(silent?.kind == .timeout)
            #expect(ContinuousClock.now - started >= .milliseconds(450))
            let cut = await #expect(throws: ProviderFailure.self) { try await post(transport, url) }
            #expect(cut?.kind == .transport)
            let after = try await post(transport, url)
            #expect(after.status == 200)
            #expect(server.connections == 3, "a timed-out or cut connection is closed, never reused")
        }
    }

    @Test func anAnswerLargerThanTheLimitIsATransportFailure() async throws {
        try await withServer(maximumResponseBytes: 64) { transport, server, url in
            server.enqueue(.bytes(RawHTTPServer.json(String(repeating: "x", count: 65)), close: false))
            let failure = await #expect(throws: ProviderFailure.self) { try await post(transport, url) }
            #expect(failure?.kind == .transport)
            #expect(failure?.detail.contains("64 bytes") == true)
        }
    }

    @Test(arguments: [
        ("http://example.com", "example.com", 80, false, "/", "example.com"),
        (
            "HTTPS://api.openai.com/v1/chat/completions", "api.openai.com", 443, true, "/v1/chat/completions",
            "api.openai.com"
        ),
        ("http://127.0.0.1:8080?x=1", "127.0.0.1", 8080, false, "/?x=1", "127.0.0.1:8080"),
        ("https://[::1]:8443/a#frag", "::1", 8443, true, "/a", "[::1]:8443"),
        ("https://host:443/p", "host", 443, true, "/p", "host"),
    ])
    func urlsAreReadIntoOriginTargetAndHost(
        url: String, host: String, port: Int, secure: Bool, target: String, header: String
    ) throws {
        let parsed = try #require(UpstreamURL(url))
        #expect(parsed.origin == .init(secure: secure, host: host, port: port))
        #expect(parsed.target == target)
        #expect(parsed.hostHeader == header)
    }

    @Test(arguments: [
        "ftp://host/x", "http://", "http://user:pw@host/x", "http://host:0/", "http://host:65536/", "http://host:8x/",
        "http://host/a b", "http://[::1/x", "unix:///tmp/socket", "http://host/\r\nx",
    ])
    func urlsTheLeanClientDoesNotTakeGoToTheGeneralOne(url: String) {
        #expect(UpstreamURL(url) == nil)
    }
}
