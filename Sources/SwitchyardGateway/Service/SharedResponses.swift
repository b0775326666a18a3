import SwitchyardCore
import Synchronization

/// How an answer was served with respect to a route's cache (`x-switchyard-cache`).
public enum CacheStatus: String, Sendable {
    case hit, miss
}

/// What a request asks of a caching route's cache (its `Cache-Control`, as HTTP caches read it).
public enum CacheDirective: Sendable, Equatable {
    /// Served from the cache when it holds the answer; a new answer is kept.
    case use
    /// `no-cache`: not served from the cache; the new answer is kept (it refreshes the kept one).
    case refresh
    /// `no-store`: the cache is neither read nor written.
    case bypass
}

/// The routes' opt-in sharing of answers: `dedupe` (identical concurrent requests from one service share one upstream
/// call; streamed ones one upstream stream, ``StreamFlight``) and `cache` (an exact-match cache of answers to deterministic requests, plain or streamed:
/// temperature 0 and no `user`, since a request that names its end user may carry that user's own content). The cache is bounded by
/// entries and by an estimate of the bytes they hold, and makes room by dropping the least recently used answers.
/// Only successful answers are shared by the cache; a failure reaches every request that waited for it, and nobody
/// later.
final class SharedResponses: Sendable {
    /// What identifies a request: the caller, the route, and the request as the adapters receive it.
    struct Key: Hashable, Sendable {
        var service: String?
        var route: String
        var request: ProviderRequest
    }

    /// Where a streamed answer is kept once its stream ends well: its key, its route (for the metrics), for how long.
    typealias Keeping = (key: Key, route: String, ttl: Duration)

    private let flights = SingleFlight<Key, GenerationResponse>()
    private let streams = Mutex<[Key: StreamFlight]>([:])
    private let entries: Mutex<ExpiringLRUCache<Key, GenerationResponse, AnyClock.Instant>>

    /// - Parameters:
    ///   - maximumEntries: The most answers the cache keeps.
    ///   - maximumBytes: The most bytes (estimated) the cached answers and their requests may hold.
    init(maximumEntries: Int, maximumBytes: Int) {
        entries = Mutex(ExpiringLRUCache(maximumEntries: maximumEntries, maximumCost: maximumBytes))
    }

    /// Whether the route's cache may hold the answer to this request.
    static func isCacheable(_ plan: RoutePlan, _ request: ProviderRequest, _ directive: CacheDirective) -> Bool {
        plan.cacheTTL != nil && request.sampling.temperature == 0 && request.user == nil && directive != .bypass
    }

    /// What an entry holds, estimated: its request's and its answer's text, and a fixed allowance for the rest.
    static func bytes(_ key: Key, _ response: GenerationResponse) -> Int {
        var bytes = 512 + key.route.utf8.count + key.request.model.utf8.count + response.text.utf8.count
        bytes += key.request.systemInstruction?.utf8.count ?? 0
        for message in key.request.messages { bytes += 32 + message.content.utf8.count }
        return bytes
    }

    /// A cached answer that has not expired, served without attempts and at no cost (no provider was called).
    func cached(_ key: Key, now: AnyClock.Instant) -> GenerationResponse? {
        guard var response = entries.withLock({ $0.value(for: key, now: now) }) else { return nil }
        response.attempts = []
        response.cost = 0
        return response
    }

    /// Keeps an answer until `expires`, dropping the least recently used ones when it needs room.
    func store(_ response: GenerationResponse, for key: Key, expires: AnyClock.Instant) {
        let bytes = Self.bytes(key, response)
        entries.withLock { _ = $0.store(response, for: key, cost: bytes, expires: expires) }
    }

    /// The shared stream of `key`, joined (a reader counted in), or a new one the caller must start.
    /// - Returns: The flight, and whether this call joined one that another call started.
    func streamFlight(_ key: Key) -> (StreamFlight, joined: Bool) {
        streams.withLock { streams in
            let joined = streams[key] != nil
            let flight = streams[key, default: StreamFlight()]
            streams[key] = flight
            flight.join()
            return (flight, joined)
        }
    }

    /// Forgets a shared stream that has ended: identical requests from now on open their own.
    func forget(_ flight: StreamFlight, for key: Key) {
        streams.withLock { streams in
            if streams[key] === flight { streams[key] = nil }
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
