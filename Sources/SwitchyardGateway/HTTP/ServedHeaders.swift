import HTTPTypes
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// The headers that say who served a response (`x-request-id`, `x-switchyard-provider`, `x-switchyard-model`,
/// `x-switchyard-attempts`, and `x-switchyard-cache` on a caching route), shared by the gateway's answering routes.
enum ServedHeaders {
    static let cache = HTTPField.Name("x-switchyard-cache")!
    /// What the request cost in dollars (`x-switchyard-cost`), on a priced answer.
    static let cost = HTTPField.Name("x-switchyard-cost")!

    /// The fields, appended to an empty list (names made once, no search for an earlier field of the same name),
    /// with the caller's rate-limit state when a limit applied (``RateLimitHeaders``).
    static func fields(
        id: String, provider: String, model: String, attempts: Int, cache: CacheStatus? = nil,
        rateLimit: RateLimitQuotas? = nil
    ) -> HTTPFields {
        var headers = HTTPFields()
        headers.reserveCapacity(rateLimit == nil ? 7 : 13)
        RateLimitHeaders.append(rateLimit, to: &headers)
        if let cache { headers.append(HTTPField(name: Self.cache, value: cache.rawValue)) }
        headers.append(HTTPField(name: ServedFields.requestID, value: id))
        headers.append(HTTPField(name: ServedFields.provider, value: provider))
        headers.append(HTTPField(name: ServedFields.model, value: model))
        headers.append(HTTPField(name: ServedFields.attempts, value: String(attempts)))
        return headers
    }

    /// What a request's `Cache-Control` asks of a caching route: `no-store` (neither read nor write the cache) or
    /// `no-cache` (do not answer from it; keep the new answer), in any case, among other directives.
    static func cacheDirective(_ request: Request) -> CacheDirective {
        guard let value = request.headers[.cacheControl] else { return .use }
        var directive = CacheDirective.use
        for part in value.split(separator: ",") {
            switch String(part).trimmingWhitespace().lowercased() {
            case "no-store": return .bypass
            case "no-cache": directive = .refresh
            default: continue
            }
        }
        return directive
    }

    static func randomID() -> String {
        ResponseID.next()
    }
}
