import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// Registers the gateway's routes. Public: `/health`, `/ready`, `/metrics`. Everything else needs a service token.
public struct GatewayRoutes<Context: ServiceAuthenticatedContext>: Sendable {
    let service: GatewayService
    let verifier: ServiceTokenVerifier
    let readiness: Readiness

    /// - Parameters:
    ///   - service: The gateway service.
    ///   - verifier: Verifies service tokens.
    ///   - readiness: What `/ready` checks beyond the providers (the backend's database, in one process).
    public init(service: GatewayService, verifier: ServiceTokenVerifier, readiness: Readiness = Readiness()) {
        self.service = service
        self.verifier = verifier
        self.readiness = readiness
    }

    /// Adds the public routes and the authenticated routes. The composition root adds the ``ErrorMiddleware``.
    /// - Parameter router: The application's router.
    /// - Returns: The routes registered, as `METHOD /path` in the OpenAPI document's spelling.
    @discardableResult
    public func register(on router: Router<Context>) -> [String] {
        let log = RouteLog()
        StatusController<Context>(service: service, readiness: readiness).register(
            on: RouteRegistrar(methods: router, log: log))
        let protected = RouteRegistrar(
            methods: router.group().add(middleware: ServiceAuthMiddleware<Context>(verifier: verifier)), log: log)
        GenerateController<Context>(service: service).register(on: protected)
        ChatCompletionsController<Context>(service: service).register(on: protected)
        ModelsController<Context>(service: service).register(on: protected)
        OpenAPIController<Context>().register(on: protected)
        return log.routes
    }
}
