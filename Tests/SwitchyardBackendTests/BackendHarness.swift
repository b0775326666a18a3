import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardBackend
import SwitchyardCore
import SwitchyardGateway
import SwitchyardHTTP
import SwitchyardProviders
import SwitchyardServer
import SwitchyardStore
import SwitchyardTesting

/// The whole application (both roles) on a fresh SQLite file, with the mock provider and a provider that always
/// fails, plus helpers to call it as an admin or a user.
struct BackendHarness: Sendable {
    static let adminKey = "admin-key-for-tests-0123456789abcdef"
    static let userSecret = "user-secret-for-tests-0123456789abcdef"
    static let gatewaySecret = "gateway-secret-for-tests-0123456789abcdef"

    let client: any TestClientProtocol
    let store: Store
    let routes: [String]

    static func run(
        providers extra: [ProviderSettings] = [], routing: RoutingTable = RoutingTable(), live: Bool = false,
        prices: PriceTable = PriceTable(), rateLimits: RateLimitRules = .init(), logger: Logger = Logger(label: "test"),
        tracing: TraceSettings? = nil, externalData: ExternalDataSettings = .init(),
        _ body: @Sendable (BackendHarness) async throws -> Void
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("backend-\(UUID().uuidString).sqlite")
            .path
        var gateway = GatewaySettings(defaultRetries: 0, backoff: Backoff(base: .milliseconds(1), jitter: 0))
        gateway.prices = prices
        gateway.rateLimits = rateLimits
        var backend = BackendSettings(
            database: .sqlite(path: path), adminKey: Secret(adminKey), userJWTSecret: Secret(userSecret),
            appTimeZone: TimeZone(identifier: "Asia/Kolkata")!)
        backend.externalData = externalData
        let settings = ServerSettings(
            port: 0, jwtSecret: Secret(gatewaySecret), routing: routing,
            providers: [
                ProviderSettings(id: "mock", kind: .mock(.init())),
                ProviderSettings(id: "broken", kind: .mock(.init(failureRate: 1))),
            ] + extra,
            gateway: gateway, backend: backend)
        let built = try await buildApplication(
            settings: settings, httpClient: .shared, logger: logger, tracing: tracing)
        let store = try requireStore(built.store)
        let routes = built.routes
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        do {
            if live {
                try await Self.live(built) { client in
                    try await body(BackendHarness(client: client, store: store, routes: routes))
                }
            } else {
                try await built.application.test(.router) { client in
                    try await body(BackendHarness(client: client, store: store, routes: routes))
                }
            }
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
    }

    /// Runs `body` against the application on a real socket (see ``withLiveServer(_:stopAccepting:_:)``).
    static func live<T: Sendable>(
        _ built: BuiltApplication<some ApplicationProtocol>,
        _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let drain = built.drain
        return try await withLiveServer(built.application, stopAccepting: { await drain.stopAccepting() }, body)
    }

    static func requireStore(_ store: Store?) throws -> Store {
        guard let store else { throw CancellationError() }
        return store
    }

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPFields = [:]
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
        var array: [[String: Any]] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [[String: Any]] ?? []
        }
        var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, bearer: String?, json: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return Reply(
            status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
    }

    func admin(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil) async throws -> Reply {
        try await send(method, uri, bearer: Self.adminKey, json: json)
    }

    static func userToken(_ subject: String, app: String? = nil) async throws -> String {
        try await UserTokenMinter.mint(secret: Secret(userSecret), subject: subject, ttl: 600, app: app)
    }

    func user(_ subject: String, _ method: HTTPRequest.Method, _ uri: String, json: String? = nil) async throws -> Reply
    {
        try await send(method, uri, bearer: try await Self.userToken(subject), json: json)
    }

    /// Creates a launched bot with one active config; returns its slug and config id.
    func launchBot(
        name: String, provider: String = "mock", model: String = "m-1", prompt: String = "You are {{bot_name}}."
    ) async throws
        -> (String, String)
    {
        let bot = try await admin(
            .post, "/admin/v1/bots", json: #"{"name":"\#(name)","status":"launched","description":"test bot"}"#)
        let slug = try requireString(bot.json["slug"])
        let config = try await admin(
            .post, "/admin/v1/bots/\(slug)/llm-configs",
            json:
                #"{"llm_provider":"\#(provider)","model_name":"\#(model)","prompt":\#(Self.quote(prompt)),"is_active":true,"temperature":0.5}"#
        )
        return (slug, try requireString(config.json["id"]))
    }

    static func quote(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [text]).dropFirst().dropLast(), as: UTF8.self)
    }
}

struct MissingValue: Error {}

func requireString(_ value: Any?) throws -> String {
    guard let text = value as? String else { throw MissingValue() }
    return text
}
