import Hummingbird

/// Registers routes and remembers them as `METHOD /path`, so that the OpenAPI document can be checked against what
/// the router really serves.
final class RouteLog: @unchecked Sendable {
    private(set) var routes: [String] = []

    func add(_ method: HTTPRequest.Method, _ path: String) {
        routes.append("\(method.rawValue) \(path)")
    }
}

struct RouteRegistrar<Methods: RouterMethods> {
    let methods: Methods
    let log: RouteLog

    /// - Parameters:
    ///   - path: The router path.
    ///   - documented: The path as the OpenAPI document spells it, when it differs (`**` wildcards).
    ///   - handler: The handler.
    func get(
        _ path: String, documented: String? = nil,
        use handler: @escaping @Sendable (Request, Methods.Context) async throws -> some ResponseGenerator
    ) {
        log.add(.get, documented ?? path)
        methods.get(RouterPath(path), use: handler)
    }

    func post(
        _ path: String,
        use handler: @escaping @Sendable (Request, Methods.Context) async throws -> some ResponseGenerator
    ) {
        log.add(.post, path)
        methods.post(RouterPath(path), use: handler)
    }
}
