import Hummingbird

/// What the gateway's routes need from the request context: the authenticated calling service.
public protocol ServiceAuthenticatedContext: RequestContext {
    /// The `service` claim of the verified token; nil until authenticated.
    var service: String? { get set }
}

/// A request context for running the gateway role alone.
public struct GatewayRequestContext: ServiceAuthenticatedContext {
    public var coreContext: CoreRequestContextStorage
    public var service: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        service = nil
    }
}
