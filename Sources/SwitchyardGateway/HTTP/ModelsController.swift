import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `GET /v1/models` and `GET /v1/models/{id}`: the configured routes, and `provider/model` for every target of the
/// routing table whose provider is usable.
struct ModelsController<Context: RequestContext>: Sendable {
    let service: GatewayService

    /// A fixed creation time: routes are configuration, not dated objects.
    static var created: Int { 1_700_000_000 }

    func register(on router: RouteRegistrar<RouterGroup<Context>>) {
        router.get("/v1/models") { _, _ in
            try JSONCoding.response(ModelListDTO(data: models()))
        }
        // `**` so that `provider/model` ids, which contain a slash, resolve too.
        router.get("/v1/models/**", documented: "/v1/models/{model}") { _, context in
            // SDKs percent-encode the slash of `provider/model` (`mock%2Fecho-1`).
            let raw = context.parameters.getCatchAll().joined(separator: "/")
            return try lookup(raw.removingPercentEncoding ?? raw)
        }
    }

    private func lookup(_ id: String) throws -> Response {
        guard let model = models().first(where: { $0.id == id }) ?? adHoc(id) else {
            throw APIError.modelNotFound(id)
        }
        return try JSONCoding.response(model)
    }

    private func adHoc(_ id: String) -> ModelDTO? {
        guard service.plan(forModel: id, systemInstruction: nil) != nil else { return nil }
        return ModelDTO(id: id, created: Self.created, ownedBy: String(id.prefix { $0 != "/" }))
    }

    func models() -> [ModelDTO] {
        let routing = service.routing
        var ids: [(String, String)] = routing.routes.map { ($0.name, "switchyard") }
        var targets = routing.routes.flatMap(\.targets) + routing.fallbackRules.flatMap(\.fallbacks)
        if let universal = routing.universalFallback { targets.append(universal) }
        var seen = Set(ids.map(\.0))
        for target in targets where service.registry.provider(target.provider) != nil {
            let id = "\(target.provider)/\(target.model)"
            if seen.insert(id).inserted { ids.append((id, target.provider)) }
        }
        return ids.map { ModelDTO(id: $0.0, created: Self.created, ownedBy: $0.1) }
    }
}
