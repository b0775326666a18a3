import Foundation

/// AstrologyAPI.com's Vedic answers as they arrive, decoded tolerantly: numbers may come as strings, `isRetro` as a
/// boolean or as `"true"`/`"false"`. Anything that does not decode to these shapes is rejected at validation.
public enum AstrologyWire {
    /// One entry of `POST /v1/planets` (the Ascendant is one of them).
    public struct Planet: Decodable, Sendable, Equatable {
        public var name: String?
        public var fullDegree: Double?
        public var normDegree: Double?
        public var isRetro: Bool?
        public var sign: String?
        public var nakshatra: String?
        public var house: Int?

        enum CodingKeys: String, CodingKey {
            case name, fullDegree, normDegree, isRetro, sign, nakshatra, house
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try? container.decodeIfPresent(String.self, forKey: .name)
            sign = try? container.decodeIfPresent(String.self, forKey: .sign)
            nakshatra = try? container.decodeIfPresent(String.self, forKey: .nakshatra)
            fullDegree = Self.number(container, .fullDegree)
            normDegree = Self.number(container, .normDegree)
            house = Self.number(container, .house).flatMap { $0 == $0.rounded() ? Int($0) : nil }
            if let flag = try? container.decodeIfPresent(Bool.self, forKey: .isRetro) {
                isRetro = flag
            } else if let text = try? container.decodeIfPresent(String.self, forKey: .isRetro) {
                isRetro = ["true": true, "false": false][text.lowercased()]
            } else {
                isRetro = nil
            }
        }

        static func number(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> Double? {
            if let value = try? container.decodeIfPresent(Double.self, forKey: key) { return value }
            if let text = try? container.decodeIfPresent(String.self, forKey: key) {
                return Double(text.trimmingCharacters(in: .whitespaces))
            }
            return nil
        }
    }

    /// One period of `POST /v1/current_vdasha`: dates as `"D-M-YYYY H:M"`, unpadded, sometimes with two spaces.
    public struct Period: Decodable, Sendable, Equatable {
        public var planet: String?
        public var start: String?
        public var end: String?
    }

    /// `POST /v1/current_vdasha`: the running periods from the major down.
    public struct CurrentDasha: Decodable, Sendable, Equatable {
        public var major: Period?
        public var minor: Period?
        public var subMinor: Period?

        enum CodingKeys: String, CodingKey {
            case major, minor
            case subMinor = "sub_minor"
        }
    }

    /// AstrologyAPI's error body: `{"status": false, "msg": "…"}` (or `error`).
    struct Failure: Decodable {
        var msg: String?
        var error: String?
    }

    /// - Returns: The answer's own error text, when the body has one.
    public static func failureText(in body: Data) -> String? {
        guard let failure = try? JSONDecoder().decode(Failure.self, from: body) else { return nil }
        return failure.msg ?? failure.error
    }

    /// `"9-12-2007  14:41"` (or `"09-12-2007 14:41"`, or without the time) as `2007-12-09T14:41`.
    /// - Returns: nil for anything else, or a day that does not exist.
    public static func isoDate(_ text: String) -> String? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard (1...2).contains(parts.count) else { return nil }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard date.count == 3, let day = date[0], let month = date[1], let year = date[2],
            (1...12).contains(month), (1...31).contains(day), (1000...9999).contains(year)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let instant = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.component(.day, from: instant) == day
        else { return nil }
        var hour = 0
        var minute = 0
        if parts.count == 2 {
            let time = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard time.count == 2, let h = time[0], let m = time[1], (0...23).contains(h), (0...59).contains(m)
            else { return nil }
            hour = h
            minute = m
        }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute))"
    }
}
