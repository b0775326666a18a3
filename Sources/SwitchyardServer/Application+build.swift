import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import SwitchyardBackend
import SwitchyardCore
import SwitchyardGateway
import SwitchyardHTTP
import SwitchyardProviders
import SwitchyardStore

/// The request context of the combined application.
public struct AppRequestContext: ServiceAuthenticatedContext, UserAuthenticatedContext, ConnectionAwareContext,
    RequestRecordingContext, RemoteAddressRequestContext
{
    public var coreContext: CoreRequestContextStorage
    public var user: User?
    public var app: String?
    public let channel: (any Channel)?
    public let record = RequestRecord()

    /// Kept in the shared ``RequestRecord``, so that the request log (outside the authenticating middleware) sees it.
    public var service: String? {
        get { record.service }
        set { record.service = newValue }
    }

    /// The client's address (the console's sign-in throttle is per address).
    public var remoteAddress: SocketAddress? { channel?.remoteAddress }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        user = nil
        channel = source.channel
    }
}

/// What the composition root built, for the command line and for tests.
public struct BuiltApplication<App: ApplicationProtocol> {
    public var application: App
    public var gateway: GatewayService?
    /// The backend's store; its owner shuts it down after the application stops.
    public var store: Store?
    /// The shutdown drain that ``runUntilSignalled(drainSeconds:logger:)`` starts.
    public var drain: Drain
    /// Every route registered, as `METHOD /path` in the OpenAPI document's spelling.
    public var routes: [String]
}

/// The one place where everything is wired together.
/// - Parameters:
///   - settings: Validated settings.
///   - httpClient: The shared upstream client (its owner shuts it down).
///   - logger: The root logger.
///   - clock: The gateway's clock: latency, deadlines, backoff and time-to-first-token waits.
///   - tracing: Where spans go (chat turns, attempts, the request of each); nil when tracing is off.
/// - Returns: The application, ready to run.
/// - Throws: ``SettingsError`` for settings that cannot work together.
public func buildApplication(
    settings: ServerSettings, httpClient: HTTPClient, logger: Logger, clock: some Clock<Duration> = ContinuousClock(),
    tracing: TraceSettings? = nil
) async throws
    -> BuiltApplication<some ApplicationProtocol>
{
    let router = Router(context: AppRequestContext.self)
    let serviceMetrics = GatewayMetrics.makeServiceMetrics()
    // The backend's prerequisites first: a backend that cannot reach a gateway opens no database. Opening PostgreSQL
    // connects nobody yet (the pool connects on first use), so a database that does not answer delays nothing here:
    // the server starts, `/ready` says 503, and the database watch logs each try until it answers.
    var store: Store?
    var readiness: [Readiness.Check] = []
    var remoteGateway: HTTPGatewayClient?
    if let backend = settings.backend, settings.role.runsBackend {
        if !settings.role.runsGateway {
            guard let url = backend.gatewayURL else {
                throw SettingsError(
                    "--role backend needs SWITCHYARD_GATEWAY_URL (and the gateway's SWITCHYARD_JWT_SECRET).")
            }
            let client = HTTPGatewayClient(
                baseURL: url, client: httpClient, minter: try await ServiceTokenMinter(secret: settings.jwtSecret),
                tracer: tracing?.tracer)
            remoteGateway = client
        }
        let opened = try await Store.open(backend.database, logger: logger)
        store = opened
        // Not ready while requests see the database down (the watch probes it twice a second), else a probe at most
        // once a second.
        let database = CachedProbe { await opened.availability.probe() }
        readiness.append {
            if case .down = opened.availability.current { return false }
            return await database.check()
        }
        if let remoteGateway {
            let gatewayHealth = CachedProbe { await remoteGateway.isHealthy() }
            readiness.append { await gatewayHealth.check() }
        }
    }
    let availability = store?.availability
    // Outermost: one audit line per request, with the status the error middleware decided.
    router.add(middleware: RequestLogMiddleware<AppRequestContext>(sink: JSONRequestLogSink.sink(for: logger)))
    // A server span per request, joined to the caller's trace by its W3C `traceparent` (the backend's, when the
    // gateway runs apart). Hummingbird's middleware uses the process's bootstrapped tracer.
    if tracing != nil { router.add(middleware: TracingMiddleware<AppRequestContext>()) }
    router.add(
        middleware: ErrorMiddleware<AppRequestContext>(
            record: { serviceMetrics.recordRequest(route: $0, status: $1) },
            classify: { error in
                guard let availability, availability.observe(error) else { return nil }
                return .temporarilyUnavailable(
                    code: "database_unavailable", retryAfterSeconds: 2,
                    message: "The service is temporarily unavailable; nothing was changed. Please retry in 2 seconds.")
            }))
    // A request whose client has gone is cancelled by its connection (DirectHTTP1Channel): no further upstream
    // attempt, no backoff wait. So is one still running when a shutdown's drain time is over, answered 503 here.
    let disconnects = DisconnectRegistry()
    let drain = Drain()
    router.add(middleware: ShutdownAnswerMiddleware<AppRequestContext>(registry: disconnects, drain: drain))
    var gateway: GatewayService?
    var routes: [String] = []
    var services: [any Service] = []
    do {
        if settings.role.runsGateway {
            let registry = ProviderFactory.registry(
                settings.providers,
                transport: HTTPTransport(
                    client: httpClient, tls: upstreamTLS(additionalCAFile: settings.gatewayCAFile)),
                logger: logger)
            let service = GatewayService(
                registry: registry, routing: settings.routing, settings: settings.gateway,
                metrics: GatewayMetrics(service: serviceMetrics), tracing: tracing, logger: logger, clock: clock)
            let verifier: ServiceTokenVerifier
            do {
                verifier = try await ServiceTokenVerifier(
                    hmacSecret: settings.jwtSecret.value, rsaPublicKeysPEM: settings.rs256PublicKeys,
                    ecdsaPublicKeysPEM: settings.es256PublicKeys,
                    maximumLifetime: TimeInterval(settings.maximumTokenLifetime))
            } catch let rejection as TokenRejection {
                throw SettingsError(rejection.message)
            }
            routes += GatewayRoutes<AppRequestContext>(
                service: service, verifier: verifier, readiness: Readiness(readiness)
            ).register(on: router)
            gateway = service
        } else {
            BackendStatusRoutes.register(on: router, readiness: Readiness(readiness), metrics: serviceMetrics)
        }
        if let backend = settings.backend, let store {
            let client: any GatewayClient = remoteGateway ?? InProcessGatewayClient(service: gateway!)
            routes += try await registerBackend(
                on: router, store: store, gateway: client, settings: backend, httpClient: httpClient,
                tls: upstreamTLS(additionalCAFile: settings.gatewayCAFile),
                metrics: serviceMetrics,
                knownProviders: Set(settings.providers.map(\.id)),
                knownRoutes: Set(settings.routing.routes.map(\.name)), secureCookies: settings.tls != nil,
                logger: logger, tracing: tracing)
            services.append(DatabaseWatch(availability: store.availability))
            services.append(
                HoldSweeper(
                    wallets: store.chats, interval: .seconds(max(1, min(30, backend.holdTimeoutSeconds / 4))),
                    isOutage: { store.availability.observe($0) }, logger: logger))
        }
    } catch {
        await store?.shutdown()
        throw error
    }
    let tls: TLSConfiguration?
    do {
        tls = try settings.tls.map(serverTLS)
    } catch {
        await store?.shutdown()
        throw error
    }
    let secure = tls != nil
    /// The connections' channel, with TLS when configured.
    let child: @Sendable (@escaping DirectHTTP1Channel.Answer) throws -> any ServerChildChannel = { answer in
        let http1 = DirectHTTP1Channel(answer: answer, disconnects: disconnects, drain: drain, secure: secure)
        return try tls.map { try TLSChannel(http1, tlsConfiguration: $0) } ?? http1
    }
    let responder = router.buildResponder()
    let (host, port, backlog) = (settings.host, settings.port, settings.backlog)
    let application = SwitchyardApplication(
        responder: responder,
        server: HTTPServerBuilder { _ in
            // Hummingbird's server (the live tests') answers through the same responder as `run()` does.
            try child(SwitchyardApplication.answering(with: responder, serverName: nil, logger: logger))
        },
        configuration: .init(address: .hostname(host, port: port), serverName: nil, backlog: backlog),
        services: services, logger: logger, listening: { drain.listening($0) },
        listener: { answer, listening in
            func listener(_ child: some ServerChildChannel) -> any Service {
                ListeningServer(
                    child: child, host: host, port: port, backlog: backlog, onServerRunning: listening, logger: logger)
            }
            return listener(try child(answer))
        })
    return BuiltApplication(application: application, gateway: gateway, store: store, drain: drain, routes: routes)
}

/// Migrates and seeds when embedded, then registers the backend's routes on `store`.
private func registerBackend(
    on router: Router<AppRequestContext>, store: Store, gateway: any GatewayClient, settings backend: BackendSettings,
    httpClient: HTTPClient, tls: TLSConfiguration, metrics: ServiceMetrics, knownProviders: Set<String>,
    knownRoutes: Set<String>, secureCookies: Bool, logger: Logger, tracing: TraceSettings?
) async throws -> [String] {
    let catalog = store.catalog
    if backend.migrateOnStart { try await store.migrate() }
    if backend.seedOnStart {
        try await DemoSeed.run(bots: catalog, configs: catalog, prompts: catalog, users: catalog)
    }
    let languages = LanguageInstructionTable(
        base: backend.languageInstructions, repository: catalog, isOutage: { store.availability.observe($0) })
    let chat = ChatService(
        catalog: store.chats, chats: store.chats, wallets: store.chats, gateway: gateway,
        settings: .init(
            appTimeZone: backend.appTimeZone, responseLengths: backend.responseLengths,
            holdTimeout: TimeInterval(backend.holdTimeoutSeconds), sessionIdleMinutes: backend.sessionIdleMinutes),
        languages: languages, logger: logger, tracing: tracing,
        externalData: externalDataService(
            backend.externalData, store: store,
            transport: { HTTPTransport(client: httpClient, tls: tls, maximumResponseBytes: $0) },
            metrics: metrics, logger: logger),
        profiles: store.chats, memories: store.chats)
    let dependencies = BackendDependencies(
        bots: catalog, configs: catalog, prompts: catalog, users: catalog, chats: store.chats,
        wallets: store.chats, chat: chat,
        userTokens: try await UserTokenVerifier(secret: backend.userJWTSecret), adminKey: backend.adminKey,
        knownProviders: knownProviders, knownRoutes: knownRoutes, languageInstructions: catalog,
        languageTable: languages, usage: store.chats, profiles: store.chats, memories: store.chats)
    let routes = BackendRoutes.register(on: router, dependencies: dependencies)
    try await ConsoleRoutes.register(
        on: router,
        dependencies: ConsoleDependencies(backend: dependencies, directory: store.chats, secureCookies: secureCookies))
    return routes
}

/// The declared external-data sources behind their cache layers; nil when none is declared.
private func externalDataService(
    _ settings: ExternalDataSettings, store: Store, transport makeTransport: (Int) -> HTTPTransport,
    metrics: ServiceMetrics, logger: Logger
) -> ExternalDataService? {
    guard !settings.sources.isEmpty else { return nil }
    let transport = makeTransport(4 * 1024 * 1024)
    let sources: [any ExternalDataSource] = settings.sources.map { source in
        switch (source.name, source.credentials) {
        case ("astrology", let credentials?):
            AstrologyAPISource(
                baseURL: source.baseURL, userID: credentials.userID, apiKey: credentials.apiKey.value,
                transport: transport, settings: source.settings)
        default:
            OpenMeteoWeatherSource(baseURL: source.baseURL, transport: transport, settings: source.settings)
        }
    }
    return ExternalDataService(
        sources: sources, store: store.chats,
        geocoder: OpenMeteoGeocoder(baseURL: settings.geocodingBaseURL, transport: transport),
        counters: ExternalDataMetrics(metrics), logger: logger)
}

/// TLS for the server from PEM files: the certificate chain as given, and its key.
func serverTLS(_ files: TLSFiles) throws -> TLSConfiguration {
    do {
        let chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain)
        guard !chain.isEmpty else { throw SettingsError("No certificate in \(files.certificateChain).") }
        let key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    } catch let error as SettingsError {
        throw error
    } catch {
        throw SettingsError(
            "Cannot use the TLS certificate \(files.certificateChain) with the key \(files.privateKey): PEM files of "
                + "a certificate chain and its private key are needed (\(error)).")
    }
}

/// The shared upstream client: pooled, with enough connections per host for a busy gateway.
/// - Parameter additionalCAFile: A CA (PEM) trusted besides the system's roots (a gateway's own CA).
public func makeHTTPClient(additionalCAFile: String? = nil) -> HTTPClient {
    var configuration = HTTPClient.Configuration()
    if additionalCAFile != nil {
        configuration.tlsConfiguration = upstreamTLS(additionalCAFile: additionalCAFile)
    }
    // A stream holds its upstream connection for its whole life: a thousand live streams to one provider need a
    // thousand connections, or the later ones wait for the earlier ones to end.
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 4096)
    configuration.timeout = .init(connect: .seconds(10))
    // No automatic client spans or `traceparent` on calls to model providers: the gateway records its own attempt
    // spans, and the backend's gateway client writes trace context itself.
    configuration.tracing.tracer = nil
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}

/// How upstreams are verified: the system's roots, and a CA (PEM) the operator adds (a gateway's own CA).
func upstreamTLS(additionalCAFile: String?) -> TLSConfiguration {
    var tls = TLSConfiguration.makeClientConfiguration()
    if let additionalCAFile { tls.additionalTrustRoots = [.file(additionalCAFile)] }
    return tls
}
