import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// A fake of the external-data APIs on one loopback server, speaking their formats and counting calls:
/// AstrologyAPI.com's `POST /v1/planets` and `POST /v1/current_vdasha` (HTTP Basic auth; `isRetro` as a boolean for
/// some planets and as a `"true"`/`"false"` string for others, numbers sometimes as strings; dasha dates unpadded
/// with two spaces before the time; a wrong key answers 401 `{"status":false,"msg":…}`), Open-Meteo's
/// `GET /v1/forecast` (a missing coordinate answers 400 `{"error":true,"reason":…}`), and its geocoding
/// `GET /v1/search` (no `results` key when nothing matches).
public struct FakeExternalDataUpstream: Sendable {
    /// What the next requests to an API get.
    public enum Mode: Sendable, Equatable {
        case normal
        /// This status with this exact body (and `Retry-After` when given).
        case status(Int, String, retryAfter: Int? = nil)
        /// 200 with an answer that fails validation.
        case malformed
        /// Waits before a normal answer (concurrent misses pile up behind one call).
        case slow(Duration)
    }

    public let userID: String
    public let apiKey: String
    public let state = FakeExternalDataState()

    public init(userID: String = "astro-user", apiKey: String = "astro-test-key") {
        self.userID = userID
        self.apiKey = apiKey
    }

    /// - Parameter body: Gets the base URL (`http://127.0.0.1:PORT`) of all three APIs.
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let fake = self
        for endpoint in ["planets", "current_vdasha"] {
            router.post("/v1/\(endpoint)") { request, _ in try await fake.astrology(endpoint, request) }
        }
        router.get("/v1/forecast") { request, _ in try await fake.forecast(request) }
        router.get("/v1/search") { request, _ in try await fake.search(request) }
        return try await router.serveOnLoopback { address in try await body(address.origin) }
    }

    /// The chart's planets as AstrologyAPI sends them (a Pune birth, 1994-03-02 06:15): Aquarius ascendant.
    public static let planetsBody = #"""
        [{"id":0,"name":"Sun","fullDegree":317.63,"normDegree":17.63,"speed":1.0079,"isRetro":"false","sign":"Aquarius","signLord":"Saturn","nakshatra":"Shatabhisha","nakshatraLord":"Rahu","nakshatra_pad":4,"house":1,"is_planet_set":false,"planet_awastha":"Yuva"},
        {"id":1,"name":"Moon","fullDegree":"46.1","normDegree":"16.1","speed":13.2,"isRetro":false,"sign":"Taurus","signLord":"Venus","nakshatra":"Rohini","nakshatraLord":"Moon","nakshatra_pad":2,"house":4,"is_planet_set":false,"planet_awastha":"Kumara"},
        {"id":2,"name":"Mars","fullDegree":294.2,"normDegree":24.2,"speed":0.77,"isRetro":"false","sign":"Capricorn","signLord":"Saturn","nakshatra":"Dhanishta","nakshatraLord":"Mars","nakshatra_pad":1,"house":12,"is_planet_set":false,"planet_awastha":"Mritya"},
        {"id":3,"name":"Mercury","fullDegree":302.9,"normDegree":2.9,"speed":-0.5,"isRetro":"true","sign":"Aquarius","signLord":"Saturn","nakshatra":"Dhanishta","nakshatraLord":"Mars","nakshatra_pad":3,"house":1,"is_planet_set":false,"planet_awastha":"Bala"},
        {"id":4,"name":"Jupiter","fullDegree":204.5,"normDegree":24.5,"speed":0.02,"isRetro":true,"sign":"Libra","signLord":"Venus","nakshatra":"Vishakha","nakshatraLord":"Jupiter","nakshatra_pad":2,"house":9,"is_planet_set":false,"planet_awastha":"Mritya"},
        {"id":5,"name":"Venus","fullDegree":322.1,"normDegree":22.1,"speed":1.25,"isRetro":"false","sign":"Aquarius","signLord":"Saturn","nakshatra":"Purva Bhadrapada","nakshatraLord":"Jupiter","nakshatra_pad":1,"house":1,"is_planet_set":true,"planet_awastha":"Mritya"},
        {"id":6,"name":"Saturn","fullDegree":316.4,"normDegree":16.4,"speed":0.12,"isRetro":"false","sign":"Aquarius","signLord":"Saturn","nakshatra":"Shatabhisha","nakshatraLord":"Rahu","nakshatra_pad":3,"house":"1","is_planet_set":true,"planet_awastha":"Yuva"},
        {"id":7,"name":"Rahu","fullDegree":229.8,"normDegree":19.8,"speed":-0.05,"isRetro":"true","sign":"Scorpio","signLord":"Mars","nakshatra":"Jyeshtha","nakshatraLord":"Mercury","nakshatra_pad":1,"house":10,"is_planet_set":false,"planet_awastha":"Yuva"},
        {"id":8,"name":"Ketu","fullDegree":49.8,"normDegree":19.8,"speed":-0.05,"isRetro":"true","sign":"Taurus","signLord":"Venus","nakshatra":"Rohini","nakshatraLord":"Moon","nakshatra_pad":3,"house":4,"is_planet_set":false,"planet_awastha":"Yuva"},
        {"id":9,"name":"Ascendant","fullDegree":306.96,"normDegree":6.96,"speed":0,"isRetro":false,"sign":"Aquarius","signLord":"Saturn","nakshatra":"Shatabhisha","nakshatraLord":"Rahu","nakshatra_pad":1,"house":1,"is_planet_set":false,"planet_awastha":""}]
        """#

    /// The running periods, dates unpadded and with two spaces before the time, as AstrologyAPI sends them.
    public static let dashaBody = #"""
        {"major":{"planet":"Jupiter","planet_id":4,"start":"3-7-2016  0:31","end":"3-7-2032  12:31"},"minor":{"planet":"Mercury","planet_id":3,"start":"9-4-2025  4:7","end":"14-7-2027  19:55"},"sub_minor":{"planet":"Venus","planet_id":5,"start":"1-11-2026  2:19","end":"26-3-2027  20:41"}}
        """#

    /// A planets answer without an ascendant, with a sign that does not exist.
    public static let malformedPlanetsBody =
        #"[{"name":"Sun","fullDegree":317.63,"normDegree":17.63,"isRetro":"maybe","sign":"Ophiuchus","house":1}]"#

    public static func forecastBody(latitude: String, longitude: String) -> String {
        #"""
        {"latitude":\#(latitude),"longitude":\#(longitude),"generationtime_ms":0.05,"utc_offset_seconds":19800,"timezone":"Asia/Kolkata","timezone_abbreviation":"GMT+5:30","elevation":560.0,"current_units":{"time":"iso8601","interval":"seconds","temperature_2m":"°C","relative_humidity_2m":"%","apparent_temperature":"°C","weather_code":"wmo code","wind_speed_10m":"km/h"},"current":{"time":"2026-12-01T17:00","interval":900,"temperature_2m":24.6,"relative_humidity_2m":48,"apparent_temperature":24.1,"weather_code":2,"wind_speed_10m":7.9},"daily_units":{"time":"iso8601","weather_code":"wmo code","temperature_2m_max":"°C","temperature_2m_min":"°C","precipitation_probability_max":"%"},"daily":{"time":["2026-12-01","2026-12-02","2026-12-03"],"weather_code":[2,61,0],"temperature_2m_max":[29.8,27.1,30.2],"temperature_2m_min":[14.9,16.0,15.2],"precipitation_probability_max":[5,70,null]}}
        """#
    }

    static let places: [String: String] = [
        "pune":
            #"{"id":1259229,"name":"Pune","latitude":18.51957,"longitude":73.85535,"elevation":560.0,"feature_code":"PPLA2","country_code":"IN","admin1":"Maharashtra","timezone":"Asia/Kolkata","population":2935744,"country":"India"}"#,
        "mumbai":
            #"{"id":1275339,"name":"Mumbai","latitude":19.07283,"longitude":72.88261,"elevation":14.0,"feature_code":"PPLA","country_code":"IN","admin1":"Maharashtra","timezone":"Asia/Kolkata","population":12691836,"country":"India"}"#,
        "kathmandu":
            #"{"id":1283240,"name":"Kathmandu","latitude":27.70169,"longitude":85.3206,"elevation":1317.0,"feature_code":"PPLC","country_code":"NP","admin1":"Bagmati Province","timezone":"Asia/Kathmandu","population":1442271,"country":"Nepal"}"#,
    ]

    func astrology(_ endpoint: String, _ request: Request) async throws -> Response {
        let body = Data(buffer: try await request.body.collect(upTo: 1 << 16))
        await state.record(endpoint, body: body, query: nil)
        let expected = "Basic " + Data("\(userID):\(apiKey)".utf8).base64EncodedString()
        guard request.headers[.authorization] == expected else {
            return FakeHTTP.json(401, #"{"status":false,"msg":"You are not authorized to access the API"}"#)
        }
        let fields = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        for field in ["day", "month", "year", "hour", "min", "lat", "lon", "tzone"] where fields[field] == nil {
            return FakeHTTP.json(400, #"{"status":false,"msg":"\#(field) is required"}"#)
        }
        switch await state.mode(for: "astrology") {
        case .status(let code, let text, let retryAfter):
            return FakeHTTP.json(code, text, headers: retryAfter.map { ["retry-after": String($0)] } ?? [:])
        case .malformed:
            return FakeHTTP.json(200, endpoint == "planets" ? Self.malformedPlanetsBody : Self.dashaBody)
        case .slow(let wait):
            try await Task.sleep(for: wait)
        case .normal:
            break
        }
        return FakeHTTP.json(200, endpoint == "planets" ? Self.planetsBody : Self.dashaBody)
    }

    func forecast(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        await state.record("forecast", body: Data(), query: request.uri.query)
        guard let latitude = query["latitude"], let longitude = query["longitude"] else {
            return FakeHTTP.json(
                400,
                #"{"error":true,"reason":"Parameter 'latitude' and 'longitude' must have the same number of elements"}"#
            )
        }
        switch await state.mode(for: "weather") {
        case .status(let code, let text, let retryAfter):
            return FakeHTTP.json(code, text, headers: retryAfter.map { ["retry-after": String($0)] } ?? [:])
        case .malformed:
            return FakeHTTP.json(200, #"{"latitude":1,"longitude":2,"current":{"time":"2026-12-01T17:00"}}"#)
        case .slow(let wait):
            try await Task.sleep(for: wait)
        case .normal:
            break
        }
        return FakeHTTP.json(200, Self.forecastBody(latitude: String(latitude), longitude: String(longitude)))
    }

    func search(_ request: Request) async throws -> Response {
        let name = request.uri.queryParameters["name"].map(String.init) ?? ""
        await state.record("search", body: Data(), query: request.uri.query)
        if name.count < 2 {
            return FakeHTTP.json(400, #"{"error":true,"reason":"Parameter 'name' must have at least 2 characters"}"#)
        }
        guard let result = Self.places[name.lowercased()] else {
            return FakeHTTP.json(200, #"{"generationtime_ms":0.4}"#)
        }
        return FakeHTTP.json(200, #"{"results":[\#(result)],"generationtime_ms":0.9}"#)
    }
}

/// Calls per endpoint and the mode of each API, shared by the fake's handlers and the test.
public actor FakeExternalDataState {
    public struct Call: Sendable {
        public var endpoint: String
        public var body: Data
        public var query: String?

        /// The body as a JSON object.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }
    }

    public private(set) var calls: [Call] = []
    private var modes: [String: FakeExternalDataUpstream.Mode] = [:]

    /// Sets what `astrology` or `weather` answers from now on.
    public func set(_ api: String, _ mode: FakeExternalDataUpstream.Mode) {
        modes[api] = mode
    }

    func mode(for api: String) -> FakeExternalDataUpstream.Mode { modes[api] ?? .normal }

    func record(_ endpoint: String, body: Data, query: String?) {
        calls.append(Call(endpoint: endpoint, body: body, query: query))
    }

    /// How many calls reached one endpoint (`planets`, `current_vdasha`, `forecast`, `search`).
    public func count(_ endpoint: String) -> Int {
        calls.filter { $0.endpoint == endpoint }.count
    }
}
