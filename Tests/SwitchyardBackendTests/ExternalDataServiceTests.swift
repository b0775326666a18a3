import AsyncHTTPClient
import Foundation
import Logging
import SwitchyardBackend
import SwitchyardCore
import SwitchyardProviders
import SwitchyardStore
import SwitchyardTesting
import Synchronization
import Testing

/// The cache layers, single flight, the cross-replica lock and stale serving, on both databases, against the fake
/// AstrologyAPI and geocoder (which count calls). A second ``ExternalDataService`` on the same store is a second
/// process: its own memo, process cache and single flight, the same database.
@Suite(.serialized) struct ExternalDataServiceTests {
    final class Clock: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { current.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    final class Counts: ExternalDataCounters {
        let events = Mutex<[String: Int]>([:])
        func bump(_ key: String) { events.withLock { $0[key, default: 0] += 1 } }
        func hit(source: String, layer: ExternalDataLayer) { bump("hit.\(layer.rawValue)") }
        func miss(source: String, layer: ExternalDataLayer) { bump("miss.\(layer.rawValue)") }
        func apiCall(source: String) { bump("api.\(source)") }
        func failure(source: String, kind: String) { bump("failure.\(kind)") }
        func staleServed(source: String) { bump("stale") }
        subscript(_ key: String) -> Int { events.withLock { $0[key] ?? 0 } }
    }

    static let settings = ExternalSourceSettings(
        processTTL: 60, sharedTTL: 60, freshness: 600, maxStale: 3_600, timeout: .seconds(5))

    static func service(
        _ store: Store, url: String, fake: FakeExternalDataUpstream, clock: Clock, counts: Counts = Counts()
    ) -> ExternalDataService {
        let transport = HTTPTransport(client: .shared)
        return ExternalDataService(
            sources: [
                AstrologyAPISource(
                    baseURL: url, userID: fake.userID, apiKey: fake.apiKey, transport: transport,
                    settings: settings)
            ], store: store.chats, geocoder: OpenMeteoGeocoder(baseURL: url, transport: transport),
            counters: counts, logger: Logger(label: "external-data-test"), now: { clock.now })
    }

    /// One lookup in a turn of its own (a fresh memo), for the user's own subject.
    static func load(
        _ service: ExternalDataService, _ source: String, _ subject: DataSubject, owner: UUID
    ) async throws -> FormattedData {
        try await service.value(source, subject: subject, ownerID: owner, subjectID: "self", memo: ExternalDataMemo())
    }

    /// A user row the records can belong to, with a birth subject unique to this test.
    static func subject(_ store: Store, place: String = "Pune, India") async throws -> (UUID, DataSubject) {
        let user = try await store.catalog.findOrCreateUser(externalID: "ext-\(UUID().uuidString)")
        let minute = Int.random(in: 0..<60)
        let time = "0\(Int.random(in: 0...9)):\(minute < 10 ? "0" : "")\(minute)"
        // 1950 on: India kept +5:30 since (it was +6:30 in 1942–45, which the offset rightly follows).
        let date = "19\(Int.random(in: 50...99))-0\(Int.random(in: 1...9))-1\(Int.random(in: 0...9))"
        return (user.id, DataSubject(birth: BirthDetails(date: date, time: time, place: PlaceQuery(name: place))))
    }

    @Test(arguments: TestStores.configurations)
    func concurrentMissesMakeOneCallAndASecondProcessMakesNone(_ configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let fake = FakeExternalDataUpstream()
        try await fake.run { url in
            let clock = Clock()
            let first = Self.service(store, url: url, fake: fake, clock: clock)
            let (owner, subject) = try await Self.subject(store)
            await fake.state.set("astrology", .slow(.milliseconds(200)))
            let charts = try await withThrowingTaskGroup(of: FormattedData.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await Self.load(first, "astrology", subject, owner: owner)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(charts.count == 100)
            #expect(Set(charts.map(\.markdown)).count == 1)
            #expect(charts[0].markdown.contains("**Ascendant:** Aquarius"))
            #expect(await fake.state.count("planets") == 1)
            #expect(await fake.state.count("current_vdasha") == 1)
            // The request carried the birth moment and Pune's offset at it.
            let call = try #require(await fake.state.calls.first { $0.endpoint == "planets" })
            #expect(call.json["tzone"] as? Double == 5.5)
            #expect(call.json["lat"] as? Double == 18.5196)

            // A second process: nothing cached in it, the database has it (shared table on PostgreSQL, the
            // user's record on SQLite).
            let counts = Counts()
            let second = Self.service(store, url: url, fake: fake, clock: clock, counts: counts)
            _ = try await Self.load(second, "astrology", subject, owner: owner)
            #expect(await fake.state.count("planets") == 1)
            #expect(counts[store.chats.sharesAcrossProcesses ? "hit.shared" : "hit.record"] == 1)
        }
    }

    @Test func twoProcessesMissingAtOnceMakeOneCall() async throws {
        guard let url = TestStores.postgresURL else { return }
        let store = try await TestStores.store(.postgres(url: url))
        let fake = FakeExternalDataUpstream()
        try await fake.run { base in
            let clock = Clock()
            let (owner, subject) = try await Self.subject(store)
            let (otherOwner, _) = try await Self.subject(store)
            await fake.state.set("astrology", .slow(.milliseconds(300)))
            let one = Self.service(store, url: base, fake: fake, clock: clock)
            let two = Self.service(store, url: base, fake: fake, clock: clock)
            async let a = one.value(
                "astrology", subject: subject, ownerID: owner, subjectID: "self", memo: ExternalDataMemo())
            async let b = two.value(
                "astrology", subject: subject, ownerID: otherOwner, subjectID: "self", memo: ExternalDataMemo())
            let (first, second) = try await (a, b)
            #expect(first == second)
            #expect(await fake.state.count("planets") == 1)
        }
    }

    /// More keys missing at once than the PostgreSQL pool has connections: each lock's reads and writes use the
    /// lock's own connection, so no lock waits for a second one (which exhausted the pool and stalled every turn).
    @Test(arguments: TestStores.configurations)
    func manyKeysMissingAtOnceNeedOneConnectionEach(_ configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let fake = FakeExternalDataUpstream()
        try await fake.run { url in
            let service = Self.service(store, url: url, fake: fake, clock: Clock())
            await fake.state.set("astrology", .slow(.milliseconds(100)))
            var subjects: [(UUID, DataSubject)] = []
            for _ in 0..<40 { subjects.append(try await Self.subject(store)) }
            let keys = Set(subjects.map { "\($0.1.birth?.date ?? "")T\($0.1.birth?.time ?? "")" })
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (owner, subject) in subjects {
                    group.addTask {
                        _ = try await Self.load(service, "astrology", subject, owner: owner)
                    }
                }
                try await group.waitForAll()
            }
            #expect(await fake.state.count("planets") == keys.count)
        }
    }

    @Test(arguments: TestStores.configurations)
    func aFailingAPIServesStaleWithinMaxStaleOnly(_ configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let fake = FakeExternalDataUpstream()
        try await fake.run { url in
            let clock = Clock()
            let counts = Counts()
            let service = Self.service(store, url: url, fake: fake, clock: clock, counts: counts)
            let (owner, subject) = try await Self.subject(store)
            let fresh = try await Self.load(service, "astrology", subject, owner: owner)
            await fake.state.set("astrology", .status(500, #"{"status":false,"msg":"Internal error"}"#))
            // Past the record's freshness and every TTL, within max-stale: the stale chart, counted.
            clock.advance(1_000)
            let stale = try await Self.load(service, "astrology", subject, owner: owner)
            #expect(stale == fresh)
            #expect(counts["stale"] == 1)
            #expect(await fake.state.count("planets") == 2)
            // Past max-stale: the error.
            clock.advance(3_600)
            await #expect(throws: ExternalDataError.self) {
                _ = try await Self.load(service, "astrology", subject, owner: owner)
            }
            #expect(counts["failure.unavailable"] == 1)
        }
    }

    @Test(arguments: TestStores.configurations)
    func aMalformedAnswerIsRejectedAndNothingIsCached(_ configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let fake = FakeExternalDataUpstream()
        try await fake.run { url in
            let clock = Clock()
            let service = Self.service(store, url: url, fake: fake, clock: clock)
            let (owner, subject) = try await Self.subject(store)
            await fake.state.set("astrology", .malformed)
            await #expect {
                _ = try await Self.load(service, "astrology", subject, owner: owner)
            } throws: { error in
                if case .malformed = error as? ExternalDataError { return true }
                return false
            }
            #expect(try await store.chats.record(ownerID: owner, subject: "self", source: "astrology") == nil)
            await fake.state.set("astrology", .normal)
            _ = try await Self.load(service, "astrology", subject, owner: owner)
            #expect(await fake.state.count("planets") == 2)
            #expect(try await store.chats.record(ownerID: owner, subject: "self", source: "astrology") != nil)
        }
    }

    @Test(arguments: TestStores.configurations)
    func invalidationReachesEveryLayer(_ configuration: StoreConfiguration) async throws {
        let store = try await TestStores.store(configuration)
        let fake = FakeExternalDataUpstream()
        try await fake.run { url in
            let clock = Clock()
            let service = Self.service(store, url: url, fake: fake, clock: clock)
            let (owner, subject) = try await Self.subject(store)
            _ = try await Self.load(service, "astrology", subject, owner: owner)
            try await service.invalidate(ownerID: owner, subjectID: "self", subjects: [subject])
            #expect(try await store.chats.record(ownerID: owner, subject: "self", source: "astrology") == nil)
            _ = try await Self.load(service, "astrology", subject, owner: owner)
            #expect(await fake.state.count("planets") == 2)
            // The place was geocoded once and kept.
            #expect(await fake.state.count("search") <= 1)
        }
    }

    /// Open-Meteo's 429 with `Retry-After`: the wait is honoured (no call before it is over), then calls resume.
    @Test func aRateLimitedSourceIsNotCalledBeforeItsWaitIsOver() async throws {
        let store = try await TestStores.store(TestStores.configurations[0])
        let fake = FakeExternalDataUpstream()
        try await fake.run { url in
            let clock = Clock()
            let transport = HTTPTransport(client: .shared)
            let service = ExternalDataService(
                sources: [OpenMeteoWeatherSource(baseURL: url, transport: transport, settings: Self.settings)],
                store: store.chats, geocoder: OpenMeteoGeocoder(baseURL: url, transport: transport),
                logger: Logger(label: "external-data-test"), now: { clock.now })
            let (owner, _) = try await Self.subject(store)
            let here = DataSubject(location: PlaceQuery(name: "Pune"))
            await fake.state.set(
                "weather",
                .status(429, #"{"error":true,"reason":"Minutely API request limit exceeded"}"#, retryAfter: 30))
            for _ in 0..<3 {
                await #expect(throws: ExternalDataError.self) {
                    _ = try await Self.load(service, "weather", here, owner: owner)
                }
            }
            #expect(await fake.state.count("forecast") == 1)
            await fake.state.set("weather", .normal)
            clock.advance(31)
            let forecast = try await Self.load(service, "weather", here, owner: owner)
            #expect(forecast.markdown.contains("Partly cloudy"))
            #expect(await fake.state.count("forecast") == 2)
        }
    }

    @Test func anUnknownPlaceIsNamedAndNotRetried() async throws {
        let store = try await TestStores.store(TestStores.configurations[0])
        let fake = FakeExternalDataUpstream()
        try await fake.run { url in
            let service = Self.service(store, url: url, fake: fake, clock: Clock())
            let (owner, subject) = try await Self.subject(store, place: "Atlantis")
            await #expect(throws: ExternalDataError.placeNotFound("Atlantis")) {
                _ = try await Self.load(service, "astrology", subject, owner: owner)
            }
            #expect(await fake.state.count("planets") == 0)
        }
    }
}
