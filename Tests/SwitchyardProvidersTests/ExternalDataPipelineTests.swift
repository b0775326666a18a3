import Foundation
import SwitchyardCore
import SwitchyardTesting
import Testing

/// The pipeline stages on AstrologyAPI's and Open-Meteo's recorded answers (``FakeExternalDataUpstream``'s bytes).
@Suite struct ExternalDataPipelineTests {
    static let planets = Data(FakeExternalDataUpstream.planetsBody.utf8)
    static let dasha = Data(FakeExternalDataUpstream.dashaBody.utf8)

    @Test func astrologyDecodesTolerantlyAndNormalizes() throws {
        let validated = try AstrologyPipeline.validate(planets: Self.planets, dasha: Self.dasha)
        let chart = AstrologyPipeline.normalize(validated)
        #expect(chart.ascendant.sign == "Aquarius")
        #expect(chart.ascendant.degree == 6.96)
        #expect(chart.planets.map(\.name) == AstrologyPipeline.grahas)
        let byName = Dictionary(uniqueKeysWithValues: chart.planets.map { ($0.name, $0) })
        // `isRetro` as the string "true", as a boolean true, as the string "false" and as a boolean false.
        #expect(byName["Mercury"]?.retrograde == true)
        #expect(byName["Jupiter"]?.retrograde == true)
        #expect(byName["Sun"]?.retrograde == false)
        #expect(byName["Moon"]?.retrograde == false)
        // Numbers sent as strings.
        #expect(byName["Moon"]?.fullDegree == 46.1)
        #expect(byName["Saturn"]?.house == 1)
        #expect(byName["Moon"]?.nakshatra == "Rohini")
        // "3-7-2016  0:31": unpadded, two spaces.
        #expect(chart.mahadasha == .init(planet: "Jupiter", start: "2016-07-03T00:31", end: "2032-07-03T12:31"))
        #expect(chart.antardasha == .init(planet: "Mercury", start: "2025-04-09T04:07", end: "2027-07-14T19:55"))
    }

    @Test func astrologyEnrichesAndFormats() throws {
        let chart = AstrologyPipeline.enrich(
            AstrologyPipeline.normalize(try AstrologyPipeline.validate(planets: Self.planets, dasha: Self.dasha)),
            processingMilliseconds: 42)
        #expect(chart.processingMilliseconds == 42)
        #expect(
            chart.summary
                == "Aquarius ascendant; Moon in Taurus (Rohini); Sun in Aquarius; retrograde: Mercury, Jupiter, Rahu, "
                + "Ketu; running Jupiter–Mercury dasha until 2027-07-14.")
        let formatted = AstrologyPipeline.format(chart)
        #expect(formatted.markdown.contains("- **Ascendant:** Aquarius 6.96°"))
        #expect(formatted.markdown.contains("- **Mahadasha:** Jupiter, 2016-07-03 to 2032-07-03"))
        #expect(formatted.markdown.contains("| Mercury | Aquarius | 2.90° | 1 | Dhanishta | yes |"))
        guard case .fields(let fields) = formatted.fields else {
            Issue.record("not nested")
            return
        }
        #expect(fields.map(\.key) == ["Summary", "Ascendant", "Current Dasha", "Planets"])
        #expect(fields[1].value == .text("Aquarius 6.96°"))
    }

    @Test(arguments: [
        (#"[{"name":"Sun","fullDegree":1,"normDegree":1,"isRetro":"maybe","sign":"Aries","house":1}]"#, "isRetro"),
        (#"[{"name":"Sun","fullDegree":1,"normDegree":1,"isRetro":false,"sign":"Ophiuchus","house":1}]"#, "sign"),
        (#"[{"name":"Sun","fullDegree":400,"normDegree":1,"isRetro":false,"sign":"Aries","house":1}]"#, "fullDegree"),
        (#"[{"name":"Sun","fullDegree":1,"normDegree":1,"isRetro":false,"sign":"Aries","house":13}]"#, "house"),
        (
            #"[{"name":"Vulcan","fullDegree":1,"normDegree":1,"isRetro":false,"sign":"Aries","house":1}]"#,
            "unknown name"
        ),
        (#"[{"name":"Sun","fullDegree":1,"normDegree":1,"isRetro":false,"sign":"Aries","house":1}]"#, "Ascendant"),
        (#"{"status":false,"msg":"oops"}"#, "not a list"),
    ])
    func malformedPlanetsAreRejected(body: String, problem: String) {
        #expect {
            _ = try AstrologyPipeline.validate(planets: Data(body.utf8), dasha: Self.dasha)
        } throws: { error in
            guard case .malformed(let why) = error as? ExternalDataError else { return false }
            return why.contains(problem)
        }
    }

    @Test func malformedDashaIsRejected() {
        for body in [
            #"{"major":{"planet":"Jupiter","start":"2016/07/03","end":"3-7-2032 12:31"},"minor":{"planet":"Mercury","start":"9-4-2025 4:7","end":"14-7-2027 19:55"}}"#,
            #"{"major":{"planet":"Pluto","start":"3-7-2016 0:31","end":"3-7-2032 12:31"},"minor":{"planet":"Mercury","start":"9-4-2025 4:7","end":"14-7-2027 19:55"}}"#,
            #"{"major":{"planet":"Jupiter","start":"3-7-2032 0:31","end":"3-7-2016 12:31"},"minor":{"planet":"Mercury","start":"9-4-2025 4:7","end":"14-7-2027 19:55"}}"#,
            #"{"major":{"planet":"Jupiter","start":"3-7-2016 0:31","end":"3-7-2032 12:31"}}"#,
        ] {
            #expect(throws: ExternalDataError.self) {
                _ = try AstrologyPipeline.validate(planets: Self.planets, dasha: Data(body.utf8))
            }
        }
        #expect(AstrologyWire.isoDate("31-2-2020 1:1") == nil)
        #expect(AstrologyWire.isoDate("1-1-2020 24:00") == nil)
        #expect(AstrologyWire.isoDate("09-12-2007 14:41") == "2007-12-09T14:41")
        #expect(AstrologyWire.isoDate("9-12-2007") == "2007-12-09T00:00")
    }

    @Test func weatherNormalizesEnrichesAndFormats() throws {
        let body = Data(FakeExternalDataUpstream.forecastBody(latitude: "18.52", longitude: "73.86").utf8)
        let forecast = WeatherPipeline.enrich(
            try WeatherPipeline.normalize(body, place: "Pune"), processingMilliseconds: 3)
        #expect(forecast.timeZone == "Asia/Kolkata")
        #expect(forecast.now.condition == "partly cloudy")
        #expect(forecast.now.humidity == 48)
        #expect(forecast.days.map(\.condition) == ["partly cloudy", "rain", "clear sky"])
        #expect(forecast.days[2].precipitationChance == nil)
        #expect(forecast.summary == "Partly cloudy, 25 °C now in Pune; tomorrow rain, 16 °C to 27 °C.")
        let formatted = WeatherPipeline.format(forecast)
        #expect(formatted.markdown.contains("- **2026-12-02:** rain, 16 °C to 27 °C, 70 % chance of precipitation"))
        #expect(
            throws: ExternalDataError.self,
            performing: {
                _ = try WeatherPipeline.normalize(
                    Data(#"{"current":{"time":"2026-12-01T17:00"},"daily":{"time":[]}}"#.utf8), place: "")
            })
    }

    @Test func geocodingPicksTheQualifiedResultAndOffsetsFollowHistory() throws {
        let body = Data(
            #"{"results":[{"name":"Paris","latitude":48.85,"longitude":2.35,"timezone":"Europe/Paris","country":"France","country_code":"FR"},{"name":"Paris","latitude":33.66,"longitude":-95.55,"timezone":"America/Chicago","country":"United States","country_code":"US","admin1":"Texas"}]}"#
                .utf8)
        #expect(try GeocodingAnswer.place(from: body, query: "Paris, Texas")?.timeZone == "America/Chicago")
        #expect(try GeocodingAnswer.place(from: body, query: "Paris")?.timeZone == "Europe/Paris")
        #expect(try GeocodingAnswer.place(from: Data(#"{"generationtime_ms":0.4}"#.utf8), query: "Nowhere") == nil)
        #expect(GeocodingAnswer.searchName(" Pune , India") == "Pune")
        let kathmandu = GeoPlace(name: "Kathmandu", latitude: 27.7, longitude: 85.3, timeZone: "Asia/Kathmandu")
        #expect(kathmandu.utcOffsetHours(year: 1980, month: 5, day: 1, hour: 12, minute: 0) == 5.5)
        #expect(kathmandu.utcOffsetHours(year: 2000, month: 5, day: 1, hour: 12, minute: 0) == 5.75)
        let york = GeoPlace(name: "New York", latitude: 40.7, longitude: -74, timeZone: "America/New_York")
        #expect(york.utcOffsetHours(year: 1990, month: 7, day: 1, hour: 12, minute: 0) == -4)
        #expect(york.utcOffsetHours(year: 1990, month: 1, day: 1, hour: 12, minute: 0) == -5)
    }

    @Test func dataSourceListsAreChecked() throws {
        let uses = try DataSourceUse.parse(
            .array([.string("astrology"), .object(["source": .string("weather"), "optional": .bool(true)])])
        ).get()
        #expect(uses == [DataSourceUse(name: "astrology"), DataSourceUse(name: "weather", optional: true)])
        #expect((try? DataSourceUse.parse(.array([.string("horoscope")])).get()) == nil)
        #expect((try? DataSourceUse.parse(.string("astrology")).get()) == nil)
        #expect(
            BotMetadataRules.botProblem(["data_sources": .array([.string("tarot")])])?.param == "metadata.data_sources")
    }

    @Test func expiringCacheServesFreshKeepsStaleAndStaysBounded() {
        let cache = ExpiringCache<String, Int>(capacity: 4)
        let start = Date(timeIntervalSince1970: 1_000)
        cache.store(1, for: "a", madeAt: start, ttl: 10, now: start)
        #expect(cache.fresh("a", now: start.addingTimeInterval(9)) == 1)
        #expect(cache.fresh("a", now: start.addingTimeInterval(10)) == nil)
        #expect(cache.entry(for: "a")?.value == 1)
        for index in 0..<10 { cache.store(index, for: "k\(index)", madeAt: start, ttl: 100, now: start) }
        #expect(cache.count <= 4)
        #expect(cache.fresh("k9", now: start) == 9)
    }
}
