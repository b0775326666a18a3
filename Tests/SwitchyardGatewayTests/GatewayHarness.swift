import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import NIOCore
import SwitchyardCore
import SwitchyardGateway
import SwitchyardHTTP
import SwitchyardProviders
import SwitchyardServer
import SwitchyardTesting

/// Builds the real application (the composition root) around fake upstreams, and mints tokens for it.
enum GatewayHarness {
    static let secret = "switchyard-test-secret-0123456789abcdef0123456789abcdef0123456789"

    /// Fast timeouts so that failure scenarios finish quickly.
    static let fastSettings = GatewaySettings(
        attemptTimeout: .milliseconds(1500), requestDeadline: .seconds(10), timeToFirstToken: .milliseconds(1500),
        streamTimeout: .seconds(5), defaultRetries: 0,
        backoff: Backoff(base: .milliseconds(10), cap: .milliseconds(50), jitter: 0, maxRetryAfter: .seconds(3)))

    static func openAIFamily(
        _ id: String, flavor: OpenAIFlavor, baseURL: String, key: String = "sk-test-key"
    )
        -> ProviderSettings
    {
        ProviderSettings(id: id, kind: .openAIFamily(flavor), apiKey: Secret(key), baseURL: baseURL)
    }

    static func settings(
        providers: [ProviderSettings],
        routing: RoutingTable = RoutingTable(),
        gateway: GatewaySettings = fastSettings
    ) -> ServerSettings {
        ServerSettings(
            port: 0, jwtSecret: Secret(secret), routing: routing,
            providers: providers + [ProviderSettings(id: "mock", kind: .mock(.init()))], gateway: gateway)
    }

    static func token(service: String = "tests", ttl: TimeInterval = 300) async throws -> String {
        let minter = try await ServiceTokenMinter(secret: Secret(secret))
        return try await minter.mint(service: service, ttl: ttl).0
    }

    static func headers(token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    /// Runs `body` against the application on a real socket (see ``withLiveServer(_:stopAccepting:_:)``).
    static func live<T: Sendable>(
        _ built: BuiltApplication<some ApplicationProtocol>,
        _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let drain = built.drain
        return try await withLiveServer(built.application, stopAccepting: { await drain.stopAccepting() }, body)
    }

    /// Runs `body` against the gateway in router mode (no socket for the gateway itself).
    static func withGateway<T: Sendable>(
        _ settings: ServerSettings, clock: some Clock<Duration> = ContinuousClock(), tracing: TraceSettings? = nil,
        _ body: @Sendable (any TestClientProtocol, GatewayService) async throws -> T
    ) async throws -> T {
        let built = try await buildApplication(
            settings: settings, httpClient: .shared, logger: Logger(label: "test"), clock: clock, tracing: tracing)
        let service = try requireGateway(built.gateway)
        return try await built.application.test(.router) { client in try await body(client, service) }
    }

    static func post(
        _ client: any TestClientProtocol, _ uri: String, json: String, token: String? = nil,
        extraHeaders: HTTPFields = [:]
    )
        async throws -> TestResponse
    {
        let bearer: String
        if let token { bearer = token } else { bearer = try await Self.token() }
        var fields = headers(token: bearer)
        fields.append(contentsOf: extraHeaders)
        let response = try await client.execute(
            uri: uri, method: .post, headers: fields, body: ByteBuffer(string: json))
        return TestResponse(
            status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, token: String?) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await client.execute(uri: uri, method: .get, headers: headers)
        return TestResponse(
            status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
    }

    static func chat(model: String, text: String = "Say hello", stream: Bool = false) -> String {
        let streamText = stream ? #","stream":true,"stream_options":{"include_usage":true}"# : ""
        return
            #"{"model":"\#(model)","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"\#(text)"}]\#(streamText)}"#
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

func requireGateway(_ service: GatewayService?) throws -> GatewayService {
    guard let service else { throw HarnessError(description: "the gateway role is not running") }
    return service
}

/// A response, with its body as text and JSON.
struct TestResponse: Sendable {
    var status: Int
    var headers: HTTPFields
    var body: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }

    /// The `data:` payloads of an SSE body.
    var events: [String] {
        body.components(separatedBy: "\n\n").compactMap { frame in
            frame.hasPrefix("data: ") ? String(frame.dropFirst(6)) : nil
        }
    }

    /// The streamed text of an SSE body.
    var streamedText: String {
        events.compactMap { event -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any],
                let choices = object["choices"] as? [[String: Any]],
                let delta = choices.first?["delta"] as? [String: Any]
            else { return nil }
            return delta["content"] as? String
        }.joined()
    }
}

extension GatewayHarness {
    /// One member of the OpenAI family in a two-target chain.
    struct Member: Sendable {
        var fake: FakeOpenAIUpstream.Flavor
        var flavor: OpenAIFlavor
        var model: String
        var retry = 0
    }

    /// Runs two fake upstreams and a gateway whose route `chain` walks the primary, then the fallback.
    static func withChain(
        primary: Member, fallback: Member, clock: some Clock<Duration> = ContinuousClock(),
        _ body: @Sendable (any TestClientProtocol, FakeOpenAIUpstream, FakeOpenAIUpstream) async throws -> Void
    ) async throws {
        try await withChain(primary: primary, fallback: fallback, clock: clock) { client, _, first, second in
            try await body(client, first, second)
        }
    }

    /// As above, with the gateway service too, for tests that call it in process.
    static func withChain(
        primary: Member, fallback: Member, clock: some Clock<Duration> = ContinuousClock(),
        _ body:
            @Sendable (any TestClientProtocol, GatewayService, FakeOpenAIUpstream, FakeOpenAIUpstream) async throws
            -> Void
    ) async throws {
        let first = FakeOpenAIUpstream(flavor: primary.fake)
        let second = FakeOpenAIUpstream(flavor: fallback.fake)
        try await first.run { firstURL in
            try await second.run { secondURL in
                let routing = RoutingTable(routes: [
                    .init(
                        name: "chain",
                        targets: [
                            Target(provider: primary.flavor.rawValue, model: primary.model, retry: primary.retry),
                            Target(provider: fallback.flavor.rawValue, model: fallback.model, retry: fallback.retry),
                        ])
                ])
                let settings = GatewayHarness.settings(
                    providers: [
                        openAIFamily(primary.flavor.rawValue, flavor: primary.flavor, baseURL: firstURL),
                        openAIFamily(fallback.flavor.rawValue, flavor: fallback.flavor, baseURL: secondURL),
                    ], routing: routing)
                try await withGateway(settings, clock: clock) { client, service in
                    try await body(client, service, first, second)
                }
            }
        }
    }
}
