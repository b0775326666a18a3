import Hummingbird

/// Registers routes and remembers them as `METHOD /path`, so that the OpenAPI document can be checked against what
/// the router really serves.
public final class RouteLog: @unchecked Sendable {
    public private(set) var routes: [String] = []

    public init() {}

    func add(_ method: HTTPRequest.Method, _ path: String) {
        routes.append("\(method.rawValue) \(path)")
    }
}

public struct RouteRegistrar<Methods: RouterMethods> {
    let methods: Methods
    let log: RouteLog

    public init(methods: Methods, log: RouteLog) {
        self.methods = methods
        self.log = log
    }

    /// - Parameters:
    ///   - path: The router path.
    ///   - documented: The path as the OpenAPI document spells it, when it differs (`**` wildcards).
    ///   - handler: The handler.
    public func get(
        _ path: String, documented: String? = nil,
        use handler: @escaping @Sendable (Request, Methods.Context) async throws -> some ResponseGenerator
    ) {
        log.add(.get, documented ?? path)
        methods.get(RouterPath(path), use: handler)
    }

    public func post(
        _ path: String,
        use handler: @escaping @Sendable (Request, Methods.Context) async throws -> some ResponseGenerator
    ) {
        log.add(.post, path)
        methods.post(RouterPath(path), use: handler)
    }
}

extension RouteRegistrar {
    public func patch(
        _ path: String,
        use handler: @escaping @Sendable (Request, Methods.Context) async throws -> some ResponseGenerator
    ) {
        log.add(.patch, path)
        methods.patch(RouterPath(path), use: handler)
    }

    public func delete(
        _ path: String,
        use handler: @escaping @Sendable (Request, Methods.Context) async throws -> some ResponseGenerator
    ) {
        log.add(.delete, path)
        methods.delete(RouterPath(path), use: handler)
    }

    public func put(
        _ path: String,
        use handler: @escaping @Sendable (Request, Methods.Context) async throws -> some ResponseGenerator
    ) {
        log.add(.put, path)
        methods.put(RouterPath(path), use: handler)
    }
}
