import Foundation
import Logging
import SwitchyardCore
import Synchronization

/// Gets a source's value for a subject through the cache layers, in order: the turn's memo, the process cache (TTL,
/// bounded), the shared table (PostgreSQL: every replica sees it), the owner's database record (fresh within the
/// source's freshness), then the API. A hit is written back to every layer above it.
///
/// Concurrent misses for one key make one API call in this process (single flight) and, on PostgreSQL, one across
/// replicas (an advisory lock on the key; whoever waited finds the value in the shared table). When the API fails
/// with a retryable error, a value younger than the source's max-stale is served and counted; otherwise the error
/// goes to the caller, which refuses the turn or leaves the section out.
public final class ExternalDataService: Sendable {
    /// A value ready for prompts: the stored JSON and its formatting, done once per layer hit.
    struct Cached: Sendable {
        var value: ExternalValue
        var prepared: PreparedData
    }

    let sources: [String: any ExternalDataSource]
    let store: any ExternalDataStore
    let places: PlaceResolver
    let counters: any ExternalDataCounters
    let logger: Logger
    let now: @Sendable () -> Date
    let process: ExpiringCache<String, Cached>
    private let flights = SingleFlight<String, Cached>()
    /// A source that answered 429 with a wait is not called again before the wait is over (in this process).
    private let blockedUntil = Mutex<[String: Date]>([:])

    /// - Parameters:
    ///   - sources: The sources declared in the configuration.
    ///   - store: The stored layers.
    ///   - geocoder: Resolves place names (nil: only places given as coordinates work).
    ///   - counters: Where hits, misses, calls, failures and stale serves are counted.
    ///   - processCapacity: The process cache's size bound, in entries.
    ///   - logger: The logger.
    ///   - now: The wall clock.
    public init(
        sources: [any ExternalDataSource], store: any ExternalDataStore, geocoder: (any Geocoder)?,
        counters: any ExternalDataCounters = NoExternalDataCounters(), processCapacity: Int = 10_000,
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.sources = Dictionary(sources.map { ($0.name, $0) }) { first, _ in first }
        self.store = store
        self.places = PlaceResolver(geocoder: geocoder, store: store, counters: counters)
        self.counters = counters
        self.logger = logger
        self.now = now
        process = ExpiringCache(capacity: processCapacity)
    }

    /// Whether a source is declared.
    public func has(_ source: String) -> Bool { sources[source] != nil }

    /// - Parameters:
    ///   - sourceName: The source.
    ///   - subject: Whose data.
    ///   - ownerID: The user whose record it is.
    ///   - subjectID: `self`, or the saved profile's id.
    ///   - memo: The turn's memo.
    /// - Returns: The formatted value.
    /// - Throws: ``ExternalDataError``, or a store error when the database fails.
    public func value(
        _ sourceName: String, subject: DataSubject, ownerID: UUID, subjectID: String, memo: ExternalDataMemo
    ) async throws -> FormattedData {
        try await prepared(sourceName, subject: subject, ownerID: ownerID, subjectID: subjectID, memo: memo).formatted
    }

    /// ``value(_:subject:ownerID:subjectID:memo:)`` with the structure a prompt writes, kept as long as the value is
    /// cached in this process.
    func prepared(
        _ sourceName: String, subject: DataSubject, ownerID: UUID, subjectID: String, memo: ExternalDataMemo
    ) async throws -> PreparedData {
        guard let source = sources[sourceName] else { throw ExternalDataError.notConfigured(sourceName) }
        let key = try source.cacheKey(for: subject)
        if let hit = memo.value(for: key) {
            counters.hit(source: source.name, layer: .memo)
            return hit
        }
        counters.miss(source: source.name, layer: .memo)
        if let hit = process.fresh(key, now: now()) {
            counters.hit(source: source.name, layer: .process)
            memo.store(hit.prepared, for: key)
            return hit.prepared
        }
        counters.miss(source: source.name, layer: .process)
        let cached: Cached
        do {
            cached = try await flights.run(key) {
                try await self.loadBelowProcess(
                    source, key: key, subject: subject, owner: ownerID, subjectID: subjectID)
            }.value
        } catch let error as ExternalDataError {
            counters.failure(source: source.name, kind: error.kind)
            throw error
        }
        memo.store(cached.prepared, for: key)
        return cached.prepared
    }

    /// Forgets everything cached for an owner's subject (their birth details changed): the record, and the entries
    /// of the keys it was known by in the process and shared layers.
    /// - Parameters:
    ///   - ownerID: The user.
    ///   - subjectID: `self` or a profile id; nil for all of the owner's subjects.
    ///   - subjects: The subjects as they were, whose keys are dropped from the caches.
    public func invalidate(ownerID: UUID, subjectID: String?, subjects: [DataSubject]) async throws {
        var keys: [String] = []
        for source in sources.values {
            for subject in subjects {
                if let key = try? source.cacheKey(for: subject) { keys.append(key) }
            }
        }
        for key in keys { process.remove(key) }
        try await store.forget(ownerID: ownerID, subject: subjectID, sharedKeys: keys)
    }

    /// The shared layer, the record, then (under the key's lock) the API; a retryable API failure may be served
    /// stale.
    private func loadBelowProcess(
        _ source: any ExternalDataSource, key: String, subject: DataSubject, owner: UUID, subjectID: String
    ) async throws -> Cached {
        let settings = source.settings
        let started = now()
        if store.sharesAcrossProcesses {
            if let shared = try await store.sharedValue(key: key, now: started) {
                counters.hit(source: source.name, layer: .shared)
                return try remember(source, key: key, shared, ttl: settings.processTTL)
            }
            counters.miss(source: source.name, layer: .shared)
        }
        let record = try await store.record(ownerID: owner, subject: subjectID, source: source.name)
        let matching = record?.key == key ? record?.value : nil
        if let matching, started.timeIntervalSince(matching.fetchedAt) < settings.freshness {
            counters.hit(source: source.name, layer: .record)
            let cached = try remember(source, key: key, matching, ttl: settings.processTTL)
            try await store.saveShared(
                key: key, value: matching, expiry: started.addingTimeInterval(settings.sharedTTL))
            return cached
        }
        counters.miss(source: source.name, layer: .record)
        do {
            // The place first, outside the lock: holding a key's lock never waits for another connection.
            let place = try await places.resolve(source.placeQuery(for: subject))
            return try await store.withKeyLock(key) { writes in
                // Another replica may have fetched it while this one waited for the lock.
                if self.store.sharesAcrossProcesses,
                    let shared = try await writes.sharedValue(key: key, now: self.now())
                {
                    self.counters.hit(source: source.name, layer: .shared)
                    return try self.remember(source, key: key, shared, ttl: settings.processTTL)
                }
                try self.checkNotBlocked(source.name)
                self.counters.apiCall(source: source.name)
                let payload: Data
                do {
                    payload = try await source.fetch(subject, place: place, now: self.now())
                } catch let error as ExternalDataError {
                    if case .unavailable(_, let retryAfter?) = error { self.block(source.name, seconds: retryAfter) }
                    throw error
                }
                let fetchedAt = self.now()
                let value = ExternalValue(payload: payload, fetchedAt: fetchedAt)
                // Formatting first: a value that cannot be formatted is stored nowhere.
                let cached = try self.remember(source, key: key, value, ttl: settings.processTTL)
                try await writes.save(
                    ownerID: owner, subject: subjectID, source: source.name, key: key, value: value,
                    sharedExpiry: fetchedAt.addingTimeInterval(settings.sharedTTL))
                return cached
            }
        } catch let error as ExternalDataError where error.retryable {
            let candidates = [matching, process.entry(for: key)?.value.value].compactMap { $0 }
            guard let stale = candidates.max(by: { $0.fetchedAt < $1.fetchedAt }),
                now().timeIntervalSince(stale.fetchedAt) < settings.maxStale
            else { throw error }
            counters.staleServed(source: source.name)
            logger.warning(
                "external data API failed; serving a stale value",
                metadata: [
                    "source": "\(source.name)", "age_seconds": "\(Int(now().timeIntervalSince(stale.fetchedAt)))",
                    "error": "\(error)",
                ])
            // Kept a minute in the process cache, so that a down API is not asked again by every turn.
            return try remember(source, key: key, stale, ttl: min(60, settings.processTTL))
        }
    }

    /// - Throws: ``ExternalDataError/unavailable(detail:retryAfterSeconds:)`` while the source's 429 wait lasts.
    private func checkNotBlocked(_ source: String) throws {
        let now = now()
        guard let until = blockedUntil.withLock({ $0[source] }), until > now else { return }
        throw ExternalDataError.unavailable(
            detail: "\(source): waiting out its rate limit",
            retryAfterSeconds: max(1, Int(until.timeIntervalSince(now))))
    }

    private func block(_ source: String, seconds: Int) {
        let until = now().addingTimeInterval(TimeInterval(min(seconds, 3_600)))
        blockedUntil.withLock { $0[source] = max($0[source] ?? until, until) }
    }

    /// Formats a value and keeps it in the process cache.
    private func remember(
        _ source: any ExternalDataSource, key: String, _ value: ExternalValue, ttl: TimeInterval
    ) throws -> Cached {
        let cached = Cached(value: value, prepared: PreparedData(try source.format(value.payload)))
        process.store(cached, for: key, madeAt: value.fetchedAt, ttl: ttl, now: now())
        return cached
    }
}

/// The values one turn has loaded, by key: the turn asks each layer at most once per key.
public final class ExternalDataMemo: Sendable {
    private let values = Mutex<[String: PreparedData]>([:])

    public init() {}

    func value(for key: String) -> PreparedData? { values.withLock { $0[key] } }
    func store(_ value: PreparedData, for key: String) { values.withLock { $0[key] = value } }
}

/// A formatted value with the structure a prompt writes: made once when the value is cached, so that every turn that
/// uses it shares the written YAML or JSON.
public struct PreparedData: Sendable {
    public let formatted: FormattedData
    let fragment: PromptFragment

    init(_ formatted: FormattedData) {
        self.formatted = formatted
        fragment = PromptFragment(formatted.fields)
    }
}
