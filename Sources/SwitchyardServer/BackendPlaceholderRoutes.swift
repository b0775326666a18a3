import Hummingbird

/// The backend role's liveness routes. The backend's own routes arrive with the backend service.
enum BackendPlaceholderRoutes {
    struct Status: Encodable, ResponseEncodable {
        var status: String
    }

    static func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in Status(status: "ok") }
        router.get("/ready") { _, _ in Status(status: "ready") }
    }
}
