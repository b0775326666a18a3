import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import SwitchyardBackend
import SwitchyardCore
import SwitchyardGateway
import SwitchyardHTTP
import SwitchyardProviders
import SwitchyardStore

/// The request context of the combined application.
public struct AppRequestContext: ServiceAuthenticatedContext, UserAuthenticatedContext {
    public var coreContext: CoreRequestContextStorage
    public var service: String?
    public var user: User?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        service = nil
        user = nil
    }
}

/// What the composition root built, for the command line and for tests.
public struct BuiltApplication<App: ApplicationProtocol> {
    public var application: App
    public var gateway: GatewayService?
    /// The backend's store; its owner shuts it down after the application stops.
    public var store: FluentStore?
    /// Every route registered, as `METHOD /path` in the OpenAPI document's spelling.
    public var routes: [String]
}

/// The one place where everything is wired together.
/// - Parameters:
///   - settings: Validated settings.
///   - httpClient: The shared upstream client (its owner shuts it down).
///   - logger: The root logger.
///   - clock: The gateway's clock: latency, deadlines, backoff and time-to-first-token waits.
/// - Returns: The application, ready to run.
/// - Throws: ``SettingsError`` for settings that cannot work together.
public func buildApplication(
    settings: ServerSettings, httpClient: HTTPClient, logger: Logger, clock: some Clock<Duration> = ContinuousClock()
) async throws
    -> BuiltApplication<some ApplicationProtocol>
{
    let router = Router(context: AppRequestContext.self)
    let metrics = GatewayMetrics()
    router.add(middleware: ErrorMiddleware<AppRequestContext> { metrics.recordRequest(route: $0, status: $1) })
    var gateway: GatewayService?
    var routes: [String] = []
    if settings.role.runsGateway {
        let registry = ProviderFactory.registry(
            settings.providers, transport: HTTPTransport(client: httpClient), logger: logger)
        let service = GatewayService(
            registry: registry, routing: settings.routing, settings: settings.gateway, metrics: metrics, logger: logger,
            clock: clock)
        let verifier: ServiceTokenVerifier
        do {
            verifier = try await ServiceTokenVerifier(
                hmacSecret: settings.jwtSecret.value, rsaPublicKeysPEM: settings.rs256PublicKeys,
                ecdsaPublicKeysPEM: settings.es256PublicKeys,
                maximumLifetime: TimeInterval(settings.maximumTokenLifetime))
        } catch let rejection as TokenRejection {
            throw SettingsError(rejection.message)
        }
        routes += GatewayRoutes<AppRequestContext>(service: service, verifier: verifier).register(on: router)
        gateway = service
    } else {
        BackendStatusRoutes.register(on: router)
    }
    var store: FluentStore?
    if let backend = settings.backend, settings.role.runsBackend {
        let opened = try await FluentStore.open(backend.database, logger: logger)
        store = opened
        if backend.migrateOnStart { try await opened.migrate() }
        if backend.seedOnStart {
            try await DemoSeed.run(bots: opened, configs: opened, prompts: opened, users: opened)
        }
        let client: any GatewayClient
        if let gateway {
            client = InProcessGatewayClient(service: gateway)
        } else {
            guard let url = backend.gatewayURL else {
                throw SettingsError(
                    "--role backend needs SWITCHYARD_GATEWAY_URL (and the gateway's SWITCHYARD_JWT_SECRET).")
            }
            client = HTTPGatewayClient(
                baseURL: url, client: httpClient, minter: try await ServiceTokenMinter(secret: settings.jwtSecret))
        }
        let chat = ChatService(
            catalog: opened, chats: opened, gateway: client,
            settings: .init(appTimeZone: backend.appTimeZone, languageInstructions: backend.languageInstructions),
            logger: logger)
        routes += BackendRoutes.register(
            on: router,
            dependencies: BackendDependencies(
                bots: opened, configs: opened, prompts: opened, users: opened, chats: opened, chat: chat,
                userTokens: try await UserTokenVerifier(secret: backend.userJWTSecret), adminKey: backend.adminKey,
                knownProviders: Set(settings.providers.map(\.id))))
    }
    let application = Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
        logger: logger)
    return BuiltApplication(application: application, gateway: gateway, store: store, routes: routes)
}

/// The shared upstream client: pooled, with enough connections per host for a busy gateway.
public func makeHTTPClient() -> HTTPClient {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 512)
    configuration.timeout = .init(connect: .seconds(10))
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}
