import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat

/// A request the fake upstream received.
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    public var headers: [String: String]
    public var body: Data

    /// The body as a JSON object, if it is one.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }
}

/// What the fake does with the next request that passes its checks.
public enum FakeResponse: Sendable {
    /// The provider's normal answer (a completion, or a stream) with this text.
    case success(String)
    /// A status with exact body bytes and headers, as the real provider sends them.
    case raw(status: Int, body: String, headers: [String: String] = [:])
    /// Waits, then answers.
    indirect case delayed(Duration, FakeResponse)
    /// Answers 200 and starts a stream, then drops the connection after `afterChunks` content chunks.
    case streamCut(afterChunks: Int)
    /// Answers 200 and starts a stream, then sends an in-band error event (exact data line) after `afterChunks`.
    case streamError(afterChunks: Int, data: String)
    /// Answers 200 with headers, then closes the connection without a body.
    case drop
    /// Answers 200 with exactly these stream frames (SSE text, or event-stream bytes for Bedrock), then closes.
    case frames([[UInt8]])
}

/// Scripted responses and recorded requests, shared between the fake's handlers and the test.
public actor FakeUpstreamState {
    public private(set) var requests: [RecordedRequest] = []
    private var script: [FakeResponse] = []

    public init() {}

    /// Queues responses, answered in order; when the queue is empty, requests succeed.
    public func enqueue(_ responses: FakeResponse...) {
        script.append(contentsOf: responses)
    }

    func record(_ request: RecordedRequest) {
        requests.append(request)
    }

    func next() -> FakeResponse? {
        script.isEmpty ? nil : script.removeFirst()
    }

    /// How many requests reached the fake.
    public var requestCount: Int { requests.count }
}

/// A running fake server's address.
public struct FakeServerAddress: Sendable {
    public var port: Int
    /// `http://127.0.0.1:PORT`.
    public var origin: String { "http://127.0.0.1:\(port)" }
}

extension Router<BasicRequestContext> {
    /// Serves the router on a loopback port for the duration of `body`.
    func serveOnLoopback<T: Sendable>(_ body: @Sendable (FakeServerAddress) async throws -> T) async throws -> T {
        let app = Application(router: self, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            guard let port = client.port else { throw CancellationError() }
            return try await body(FakeServerAddress(port: port))
        }
    }
}

/// Response helpers shared by the fakes.
enum FakeHTTP {
    static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> Response {
        var response = Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }

    /// A 200 stream of frames; with `thenFail` the connection drops after them instead of closing cleanly.
    static func stream(
        _ frames: [[UInt8]], contentType: String = "text/event-stream", thenFail: Bool = false
    )
        -> Response
    {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                for frame in frames {
                    try await writer.write(ByteBuffer(bytes: frame))
                }
                if thenFail {
                    // Let the bytes reach the client before the connection drops, as on a real network.
                    try await Task.sleep(for: .milliseconds(50))
                    throw CancellationError()
                }
                try await writer.finish(nil)
            })
    }

    static func drop() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody { _ in throw CancellationError() })
    }

    static func headers(of request: Request) -> [String: String] {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        // HTTP/1's Host header arrives as the request's authority.
        if let authority = request.head.authority { headers["host"] = authority }
        return headers
    }
}
