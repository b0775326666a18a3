import SwitchyardCore
import Synchronization

/// How a non-streamed answer was served with respect to a route's cache (`x-switchyard-cache`).
public enum CacheStatus: String, Sendable {
    case hit, miss
}

/// The routes' opt-in sharing of non-streamed answers: `dedupe` (identical concurrent requests from one service
/// share one upstream call) and `cache` (an exact-match, size-bounded cache of answers to deterministic requests:
/// temperature 0 and no `user`, since a request that names its end user may carry that user's own content). Only
/// successful answers are shared by the cache; a failure reaches every request that waited for it, and nobody later.
final class SharedResponses: Sendable {
    /// What identifies a request: the caller, the route, and the request as the adapters receive it.
    struct Key: Hashable, Sendable {
        var service: String?
        var route: String
        var request: ProviderRequest
    }

    private struct Entry {
        var response: GenerationResponse
        var expires: AnyClock.Instant
    }

    private let flights = SingleFlight<Key, GenerationResponse>()
    private let entries = Mutex<[Key: Entry]>([:])
    let capacity: Int

    /// - Parameter capacity: The most answers the cache keeps.
    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Whether the route's cache may hold the answer to this request.
    static func isCacheable(_ plan: RoutePlan, _ request: ProviderRequest) -> Bool {
        plan.cacheTTL != nil && request.sampling.temperature == 0 && request.user == nil
    }

    /// A cached answer that has not expired, served without attempts and at no cost (no provider was called).
    func cached(_ key: Key, now: AnyClock.Instant) -> GenerationResponse? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.expires else {
                entries[key] = nil
                return nil
            }
            var response = entry.response
            response.attempts = []
            response.cost = 0
            return response
        }
    }

    /// Keeps an answer until `expires`. When full, expired answers go first; if none has, the cache starts over.
    func store(_ response: GenerationResponse, for key: Key, expires: AnyClock.Instant, now: AnyClock.Instant) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now < $0.value.expires }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(response: response, expires: expires)
        }
    }

    /// Runs `work` once for concurrent calls with `key`. - Returns: The answer, and whether this call joined another's.
    func deduplicated(
        _ key: Key, _ work: @escaping @Sendable () async throws(GatewayFailure) -> GenerationResponse
    ) async throws(GatewayFailure) -> (GenerationResponse, joined: Bool) {
        do {
            let (value, joined) = try await flights.run(key) { try await work() }
            return (value, joined)
        } catch let failure as GatewayFailure {
            throw failure
        } catch {
            throw GatewayFailure(reason: .cancelled, lastFailure: nil, attempts: [])
        }
    }
}
