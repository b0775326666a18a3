import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// Birth charts from AstrologyAPI.com's Vedic API: `POST {base}/v1/planets` and `POST {base}/v1/current_vdasha`
/// with the birth moment (`day, month, year, hour, min, lat, lon, tzone`, `tzone` the UTC offset in hours at that
/// moment, from the place's zone), HTTP Basic auth with the user id and key.
public struct AstrologyAPISource: ExternalDataSource {
    public let name = "astrology"
    public let settings: ExternalSourceSettings
    let baseURL: String
    let authorization: String
    let http: ExternalHTTP

    /// - Parameters:
    ///   - baseURL: `https://json.astrologyapi.com` or a fake's.
    ///   - userID: The account's user id.
    ///   - apiKey: Its key.
    ///   - transport: The shared HTTP client.
    ///   - settings: TTLs, freshness, max-stale, timeout.
    public init(
        baseURL: String, userID: String, apiKey: String, transport: HTTPTransport,
        settings: ExternalSourceSettings = .astrology
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        authorization = "Basic " + Data("\(userID):\(apiKey)".utf8).base64EncodedString()
        http = ExternalHTTP(transport: transport, api: "astrology")
        self.settings = settings
    }

    public func cacheKey(for subject: DataSubject) throws(ExternalDataError) -> String {
        guard let birth = subject.birth, birth.parts != nil else {
            throw .missingInput("a birth date (YYYY-MM-DD) and time (HH:MM)")
        }
        guard let place = birth.place.keyPart else { throw .missingInput("a birth place") }
        return "astrology:v1:\(birth.date)T\(birth.time)@\(place)"
    }

    public func placeQuery(for subject: DataSubject) -> PlaceQuery? { subject.birth?.place }

    public func fetch(_ subject: DataSubject, place: GeoPlace?, now: Date) async throws(ExternalDataError) -> Data {
        guard let birth = subject.birth, let parts = birth.parts else {
            throw .missingInput("a birth date (YYYY-MM-DD) and time (HH:MM)")
        }
        guard let place else { throw .missingInput("a birth place") }
        guard
            let offset = place.utcOffsetHours(
                year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute)
        else { throw .missingInput("a known time zone at the birth place") }
        let started = ContinuousClock.now
        let body = Self.body(parts, place: place, tzone: offset)
        var headers = HTTPHeaders()
        headers.add(name: "authorization", value: authorization)
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "accept", value: "application/json")
        async let planetsCall = call("planets", headers: headers, body: body)
        async let dashaCall = call("current_vdasha", headers: headers, body: body)
        let planets: Data
        let dasha: Data
        do {
            (planets, dasha) = try await (planetsCall, dashaCall)
        } catch let error as ExternalDataError {
            throw error
        } catch {
            throw .unavailable(detail: "astrology: \(type(of: error))", retryAfterSeconds: nil)
        }
        let validated = try AstrologyPipeline.validate(planets: planets, dasha: dasha)
        let chart = AstrologyPipeline.enrich(
            AstrologyPipeline.normalize(validated), processingMilliseconds: started.millisecondsUntilNow)
        do {
            return try JSONEncoder().encode(chart)
        } catch {
            throw .malformed("the chart could not be encoded")
        }
    }

    public func format(_ payload: Data) throws(ExternalDataError) -> FormattedData {
        do {
            return AstrologyPipeline.format(try JSONDecoder().decode(AstrologyChart.self, from: payload))
        } catch {
            throw .malformed("a stored chart does not decode")
        }
    }

    private func call(_ endpoint: String, headers: HTTPHeaders, body: String) async throws -> Data {
        try await http.send(
            "\(baseURL)/v1/\(endpoint)", method: .POST, headers: headers, body: ByteBuffer(string: body),
            timeout: settings.timeout, errorText: AstrologyWire.failureText(in:))
    }

    /// `{"day":2,"month":3,"year":1994,"hour":6,"min":15,"lat":18.5196,"lon":73.8554,"tzone":5.5}`.
    static func body(
        _ parts: (year: Int, month: Int, day: Int, hour: Int, minute: Int), place: GeoPlace, tzone: Double
    ) -> String {
        func number(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(format: "%.6g", value)
        }
        return #"{"day":\#(parts.day),"month":\#(parts.month),"year":\#(parts.year),"hour":\#(parts.hour),"#
            + #""min":\#(parts.minute),"lat":\#(String(format: "%.4f", place.latitude)),"#
            + #""lon":\#(String(format: "%.4f", place.longitude)),"tzone":\#(number(tzone))}"#
    }
}
