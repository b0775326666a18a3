import HTTPTypes
import SwitchyardCore

/// The headers that say who served a response (`x-request-id`, `x-switchyard-provider`, `x-switchyard-model`,
/// `x-switchyard-attempts`, and `x-switchyard-cache` on a caching route), shared by the gateway's answering routes.
enum ServedHeaders {
    static func fields(
        id: String, provider: String, model: String, attempts: Int, cache: CacheStatus? = nil
    ) -> HTTPFields {
        var headers = HTTPFields()
        if let cache, let name = HTTPField.Name("x-switchyard-cache") { headers[name] = cache.rawValue }
        if let name = HTTPField.Name("x-request-id") { headers[name] = id }
        if let name = HTTPField.Name("x-switchyard-provider") { headers[name] = provider }
        if let name = HTTPField.Name("x-switchyard-model") { headers[name] = model }
        if let name = HTTPField.Name("x-switchyard-attempts") { headers[name] = String(attempts) }
        return headers
    }

    static func randomID() -> String {
        ResponseID.next()
    }
}
