import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing

@testable import SwitchyardServer

/// The listener the service runs behind (HummingbirdTesting's live tests use Hummingbird's own server instead).
@Suite struct ListeningServerTests {
    /// Holds `/slow` until the test opens it, and tells when it has started.
    final class Gate: Sendable {
        let started = AsyncStream<Void>.makeStream()
        let open = AsyncStream<Void>.makeStream()
    }

    /// Answers `/slow` when the test opens the gate (and says when it has started), `/where` with whether the handler
    /// ran on its connection's event loop after a suspension, anything else at once.
    static func answer(_ gate: Gate) -> DirectHTTP1Channel.Answer {
        { request, channel in
            var text = "ok"
            if request.uri.path == "/where" {
                await EventLoopTaskExecutorTests.hop()
                text = channel.eventLoop.inEventLoop ? "on its loop" : "elsewhere"
            }
            if request.uri.path == "/slow" {
                gate.started.continuation.yield()
                for await _ in gate.open.stream { break }
                text = Task.isCancelled ? "cancelled" : "done"
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// Runs a listener on a free port in a service group; `body` gets the port, the group, the task running it and
    /// whether that has returned.
    func withListener(
        _ gate: Gate, preferLoops: Bool = false,
        _ body:
            @Sendable (
                _ port: Int, _ group: ServiceGroup, _ run: Task<Void, any Error>, _ stopped: @Sendable () -> Bool
            ) async throws -> Void
    ) async throws {
        try await Self.withListener(DirectHTTP1Channel(answer: Self.answer(gate)), preferLoops: preferLoops, body)
    }

    /// Runs a listener serving `child` on a free port in a service group; `body` gets the port, the group, the task
    /// running it and whether that has returned.
    static func withListener(
        _ child: some ServerChildChannel, preferLoops: Bool = false,
        _ body:
            @Sendable (
                _ port: Int, _ group: ServiceGroup, _ run: Task<Void, any Error>, _ stopped: @Sendable () -> Bool
            ) async throws -> Void
    ) async throws {
        let (ports, portReady) = AsyncStream<Int>.makeStream()
        let server = ListeningServer(
            child: child, host: "127.0.0.1", port: 0, backlog: 64,
            preferLoops: preferLoops, onServerRunning: { portReady.yield($0.localAddress?.port ?? 0) },
            logger: Logger(label: "test"))
        let group = ServiceGroup(
            configuration: .init(services: [server], gracefulShutdownSignals: [], logger: Logger(label: "test")))
        let stopped = Atomic(false)
        let run = Task {
            defer { stopped.store(true, ordering: .sequentiallyConsistent) }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body(port, group, run) { stopped.load(ordering: .sequentiallyConsistent) }
        run.cancel()
    }

    /// Runs `body` with a client of its own (no connection shared with another client), shut down after it.
    static func withClient<T: Sendable>(_ body: @Sendable (HTTPClient) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func get(_ client: HTTPClient, _ port: Int, _ path: String) async throws -> (HTTPClientResponse, String) {
        let response = try await client.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1024)
        return (response, String(buffer: body))
    }

    @Test func aGracefulShutdownClosesTheListenerAndWaitsForTheAnswerInFlight() async throws {
        let gate = Gate()
        try await withListener(gate) { port, group, run, stopped in
            let (plain, text) = try await Self.withClient { try await Self.get($0, port, "/") }
            #expect(plain.status == .ok && text == "ok")

            try await Self.withClient { client in
                let slow = Task { try await Self.get(client, port, "/slow") }
                var started = gate.started.stream.makeAsyncIterator()
                _ = await started.next()
                await group.triggerGracefulShutdown()
                // The listener closes: a new connection is refused (within 5 s; at once here, but CI may be busy).
                // (A raw connect: AsyncHTTPClient would retry a refused connection until its deadline.)
                var refused = false
                for _ in 0..<50 where !refused {
                    do {
                        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                            .connect(host: "127.0.0.1", port: port).get().close()
                        try await Task.sleep(for: .milliseconds(100))
                    } catch {
                        refused = true
                    }
                }
                #expect(refused)
                // The server is still waiting for the answer in flight.
                try await Task.sleep(for: .milliseconds(100))
                #expect(!stopped())
                gate.open.continuation.yield()
                let (answer, done) = try await slow.value
                #expect(answer.status == .ok && done == "done")
            }
            try await run.value  // returns once that connection has closed
            #expect(stopped())
        }
    }

    @Test(arguments: [true, false])
    func aConnectionsTaskPrefersItsLoopWhenAsked(preferLoops: Bool) async throws {
        try await withListener(Gate(), preferLoops: preferLoops) { port, _, _, _ in
            let (answer, text) = try await Self.withClient { try await Self.get($0, port, "/where") }
            #expect(answer.status == .ok)
            #expect(text == (preferLoops ? "on its loop" : "elsewhere"))
        }
    }

    @Test func cancellingTheServerCancelsTheAnswerInFlightAndClosesItsConnection() async throws {
        let gate = Gate()
        try await withListener(gate) { port, _, run, _ in
            try await Self.withClient { client in
                let slow = Task { try await Self.get(client, port, "/slow") }
                var started = gate.started.stream.makeAsyncIterator()
                _ = await started.next()
                run.cancel()
                // The group ends without the gate ever opening: the answer in flight was cancelled.
                _ = try? await run.value
                let result = try? await slow.value
                #expect(result == nil || result?.1 == "cancelled")
            }
        }
    }

    /// Refuses to close a connection's input, as TLS does (NIOSSL cannot half-close).
    final class InputCloseRefuser: ChannelOutboundHandler, Sendable {
        typealias OutboundIn = NIOAny

        func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
            guard mode == .input else { return context.close(mode: mode, promise: promise) }
            promise?.fail(ChannelError.operationUnsupported)
        }
    }

    /// The service's channel behind a handler that refuses input closes.
    struct NoHalfCloseChannel: ServerChildChannel {
        let base: DirectHTTP1Channel

        func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Connection> {
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(InputCloseRefuser())
            }.flatMap { base.setup(channel: channel, logger: logger) }
        }

        func handle(value: HTTP1Connection, logger: Logger) async {
            await base.handle(value: value, logger: logger)
        }
    }

    @Test func cancellingTheServerClosesAnIdleConnectionEvenWhereItsInputCannotBeClosed() async throws {
        let child = NoHalfCloseChannel(base: DirectHTTP1Channel(answer: Self.answer(Gate())))
        try await Self.withListener(child) { port, _, run, stopped in
            let client = try await RawClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try await client.read { $0.hasSuffix("ok") }
            run.cancel()
            for _ in 0..<500 where !stopped() { try await Task.sleep(for: .milliseconds(10)) }
            #expect(stopped(), "the server still waited for an idle connection after it was cancelled")
            _ = try await client.untilClosed()
        }
    }

    @Test func theDateHeaderIsAnIMFFixdate() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(1_796_300_000) == "Thu, 03 Dec 2026 12:13:20 GMT")
    }
}
