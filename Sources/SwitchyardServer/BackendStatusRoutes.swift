import Hummingbird

/// `/health` and `/ready` when the backend runs without the gateway (which serves them otherwise).
enum BackendStatusRoutes {
    struct Status: Encodable, ResponseEncodable {
        var status: String
    }

    static func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in Status(status: "ok") }
        router.get("/ready") { _, _ in Status(status: "ready") }
    }
}
