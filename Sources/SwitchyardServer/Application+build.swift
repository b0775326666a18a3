import AsyncHTTPClient
import Hummingbird
import Logging
import SwitchyardCore
import SwitchyardGateway
import SwitchyardProviders

/// The request context of the combined application.
public struct AppRequestContext: ServiceAuthenticatedContext {
    public var coreContext: CoreRequestContextStorage
    public var service: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        service = nil
    }
}

/// What the composition root built, for the command line and for tests.
public struct BuiltApplication<App: ApplicationProtocol> {
    public var application: App
    public var gateway: GatewayService?
}

/// The one place where everything is wired together.
/// - Parameters:
///   - settings: Validated settings.
///   - httpClient: The shared upstream client (its owner shuts it down).
///   - logger: The root logger.
/// - Returns: The application, ready to run.
/// - Throws: ``SettingsError`` for settings that cannot work together.
public func buildApplication(
    settings: ServerSettings, httpClient: HTTPClient, logger: Logger
) async throws
    -> BuiltApplication<some ApplicationProtocol>
{
    let router = Router(context: AppRequestContext.self)
    var gateway: GatewayService?
    if settings.role.runsGateway {
        let registry = ProviderFactory.registry(
            settings.providers, transport: HTTPTransport(client: httpClient), logger: logger)
        let service = GatewayService(
            registry: registry, routing: settings.routing, settings: settings.gateway, logger: logger)
        let verifier: ServiceTokenVerifier
        do {
            verifier = try await ServiceTokenVerifier(
                hmacSecret: settings.jwtSecret.value, rsaPublicKeysPEM: settings.rs256PublicKeys,
                ecdsaPublicKeysPEM: settings.es256PublicKeys)
        } catch let rejection as TokenRejection {
            throw SettingsError(rejection.message)
        }
        GatewayRoutes<AppRequestContext>(service: service, verifier: verifier).register(on: router)
        gateway = service
    } else {
        BackendPlaceholderRoutes.register(on: router)
    }
    let application = Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
        logger: logger)
    return BuiltApplication(application: application, gateway: gateway)
}

/// The shared upstream client: pooled, with enough connections per host for a busy gateway.
public func makeHTTPClient() -> HTTPClient {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 512)
    configuration.timeout = .init(connect: .seconds(10))
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}
