import Foundation

/// A resolved place: coordinates and the IANA zone there.
public struct GeoPlace: Sendable, Hashable, Codable {
    public var name: String
    public var latitude: Double
    public var longitude: Double
    public var timeZone: String
    public var country: String?

    public init(name: String, latitude: Double, longitude: Double, timeZone: String, country: String? = nil) {
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
        self.timeZone = timeZone
        self.country = country
    }

    /// The UTC offset in hours (5.5 for India, -3.5 for Newfoundland) at a local wall-clock moment in this place's
    /// zone: historical rules apply (India was +5:30 in 1990 as now; Kathmandu was +5:30 before 1986, +5:45 since).
    /// - Returns: nil when the zone is unknown.
    public func utcOffsetHours(year: Int, month: Int, day: Int, hour: Int, minute: Int) -> Double? {
        guard let zone = TimeZone(identifier: timeZone) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard
            let instant = calendar.date(
                from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))
        else { return nil }
        return Double(zone.secondsFromGMT(for: instant)) / 3600
    }
}

/// Open-Meteo's geocoding answer (`GET /v1/search?name=…&count=…`): `{"results": [...]}`, or no `results` at all when
/// nothing matched.
public enum GeocodingAnswer {
    struct Wire: Decodable {
        struct Result: Decodable {
            var name: String?
            var latitude: Double?
            var longitude: Double?
            var timezone: String?
            var country: String?
            var countryCode: String?
            var admin1: String?

            enum CodingKeys: String, CodingKey {
                case name, latitude, longitude, timezone, country, admin1
                case countryCode = "country_code"
            }
        }

        var results: [Result]?
    }

    /// The first result that matches the qualifier after the name's first comma (`Pune, India`: a result in India),
    /// else the first result.
    /// - Parameters:
    ///   - body: The answer's bytes.
    ///   - query: The name as the person wrote it.
    /// - Returns: The place, or nil when nothing matched.
    /// - Throws: ``ExternalDataError/malformed(_:)`` for an answer that is not the documented shape or a result
    ///   without coordinates or a known zone.
    public static func place(from body: Data, query: String) throws(ExternalDataError) -> GeoPlace? {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: body)
        } catch {
            throw .malformed("the geocoding answer is not the documented JSON")
        }
        guard let results = wire.results, !results.isEmpty else { return nil }
        let qualifiers = query.split(separator: ",").dropFirst().map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let chosen =
            results.first { result in
                qualifiers.allSatisfy { qualifier in
                    [result.country, result.countryCode, result.admin1].contains { $0?.lowercased() == qualifier }
                }
            } ?? results[0]
        guard let latitude = chosen.latitude, let longitude = chosen.longitude, (-90...90).contains(latitude),
            (-180...180).contains(longitude)
        else { throw .malformed("a geocoding result has no valid coordinates") }
        guard let zone = chosen.timezone, TimeZone(identifier: zone) != nil else {
            throw .malformed("a geocoding result has no known time zone")
        }
        return GeoPlace(
            name: chosen.name ?? query, latitude: latitude, longitude: longitude, timeZone: zone,
            country: chosen.country)
    }

    /// The name Open-Meteo searches for: the part before the first comma (it matches place names, not addresses).
    public static func searchName(_ query: String) -> String {
        String(query.split(separator: ",").first ?? Substring(query)).trimmingCharacters(in: .whitespaces)
    }
}

/// Open-Meteo's error body: `{"error": true, "reason": "…"}`.
public enum OpenMeteoError {
    struct Wire: Decodable {
        var error: Bool?
        var reason: String?
    }

    /// - Returns: The reason, when the body is Open-Meteo's error shape.
    public static func reason(in body: Data) -> String? {
        guard let wire = try? JSONDecoder().decode(Wire.self, from: body), wire.error == true else { return nil }
        return wire.reason
    }
}
