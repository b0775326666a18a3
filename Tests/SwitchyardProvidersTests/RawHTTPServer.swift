import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A loopback TCP server that reads HTTP/1.1 requests as bytes and answers each with the next scripted reply, also as
/// bytes: framing the upstream client must read (content length, chunked, until close), and failures (no answer, a
/// cut). It counts connections opened and closed and replies written in full, and keeps every request's text.
final class RawHTTPServer: Sendable {
    enum Reply: Sendable {
        /// These bytes; then the connection closes when `close` is set.
        case bytes(String, close: Bool)
        /// No answer at all (the client's deadline must end it).
        case silence
        /// The connection closes without an answer.
        case cut
    }

    private struct State {
        var replies: [Reply] = []
        var requests: [String] = []
        var connections = 0
        var closed = 0
        var written = 0
    }

    private let state = Mutex(State())
    private let channel = Mutex<(any Channel)?>(nil)

    var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }
    var connections: Int { state.withLock { $0.connections } }
    var requests: [String] { state.withLock { $0.requests } }
    /// Connections closed (by either side).
    var closed: Int { state.withLock { $0.closed } }
    /// Replies whose bytes were all written to the socket.
    var written: Int { state.withLock { $0.written } }

    static func start() async throws -> RawHTTPServer {
        let server = RawHTTPServer()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                server.state.withLock { $0.connections += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Connection(server: server))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        server.channel.withLock { $0 = channel }
        return server
    }

    func enqueue(_ replies: Reply...) {
        state.withLock { $0.replies += replies }
    }

    func stop() async throws {
        try await channel.withLock { $0 }?.close()
    }

    /// A complete answer with a content length.
    static func json(_ body: String, status: String = "200 OK", extra: String = "") -> String {
        "HTTP/1.1 \(status)\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n\(extra)\r\n\(body)"
    }

    fileprivate func received(_ request: String) -> Reply {
        state.withLock { state in
            state.requests.append(request)
            return state.replies.isEmpty ? .cut : state.replies.removeFirst()
        }
    }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let server: RawHTTPServer
        var pending: [UInt8] = []

        init(server: RawHTTPServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
            while let end = Self.endOfHead(pending) {
                let head = String(decoding: pending[..<end], as: UTF8.self).lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                guard pending.count >= end + 4 + length else { return }
                let request = String(decoding: pending[..<(end + 4 + length)], as: UTF8.self)
                pending.removeFirst(end + 4 + length)
                switch server.received(request) {
                case .bytes(let text, let close):
                    let written = context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)))
                    written.whenSuccess { [server] in server.state.withLock { $0.written += 1 } }
                    if close { written.whenComplete { _ in context.close(promise: nil) } }
                case .silence:
                    break
                case .cut:
                    context.close(promise: nil)
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            server.state.withLock { $0.closed += 1 }
            context.fireChannelInactive()
        }

        /// The index of the blank line's `\r\n\r\n`, when a whole head has arrived.
        static func endOfHead(_ bytes: [UInt8]) -> Int? {
            guard bytes.count >= 4 else { return nil }
            for index in 0...(bytes.count - 4)
            where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index
            }
            return nil
        }
    }
}
