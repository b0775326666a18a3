import Foundation

/// A forecast in one shape: the conditions now and a few days ahead, temperatures in °C, conditions in words.
public struct WeatherForecast: Codable, Sendable, Equatable {
    public struct Now: Codable, Sendable, Equatable {
        /// Local `YYYY-MM-DDTHH:MM`.
        public var time: String
        public var temperature: Double
        public var feelsLike: Double?
        public var humidity: Int?
        /// km/h.
        public var wind: Double?
        public var condition: String
    }

    public struct Day: Codable, Sendable, Equatable {
        public var date: String
        public var condition: String
        public var minimum: Double
        public var maximum: Double
        /// Percent.
        public var precipitationChance: Int?
    }

    public var place: String
    public var timeZone: String
    public var now: Now
    public var days: [Day]
    /// Enrichment: one line on the forecast.
    public var summary: String
    public var processingMilliseconds: Int
}

/// The weather pipeline over Open-Meteo's forecast answer: validate → normalize → enrich → format.
public enum WeatherPipeline {
    /// The `current` and `daily` variables asked for.
    public static let currentVariables =
        "temperature_2m,relative_humidity_2m,apparent_temperature,weather_code,wind_speed_10m"
    public static let dailyVariables =
        "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max"

    struct Wire: Decodable {
        struct Current: Decodable {
            var time: String?
            var temperature: Double?
            var humidity: Double?
            var apparent: Double?
            var code: Double?
            var wind: Double?

            enum CodingKeys: String, CodingKey {
                case time
                case temperature = "temperature_2m"
                case humidity = "relative_humidity_2m"
                case apparent = "apparent_temperature"
                case code = "weather_code"
                case wind = "wind_speed_10m"
            }
        }

        struct Daily: Decodable {
            var time: [String?]?
            var code: [Double?]?
            var maximum: [Double?]?
            var minimum: [Double?]?
            var precipitation: [Double?]?

            enum CodingKeys: String, CodingKey {
                case time
                case code = "weather_code"
                case maximum = "temperature_2m_max"
                case minimum = "temperature_2m_min"
                case precipitation = "precipitation_probability_max"
            }
        }

        var timezone: String?
        var current: Current?
        var daily: Daily?
    }

    /// Decodes and validates the answer and normalizes it (the place's name is the caller's).
    /// - Throws: ``ExternalDataError/malformed(_:)`` naming the first problem.
    public static func normalize(_ body: Data, place: String) throws(ExternalDataError) -> WeatherForecast {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: body)
        } catch {
            throw .malformed("the forecast is not the documented JSON")
        }
        guard let current = wire.current, let time = current.time, let temperature = current.temperature,
            let code = current.code
        else { throw .malformed("the forecast has no current time, temperature or weather code") }
        guard (-90...60).contains(temperature) else { throw .malformed("the current temperature is out of range") }
        guard let daily = wire.daily, let dates = daily.time, !dates.isEmpty else {
            throw .malformed("the forecast has no days")
        }
        var days: [WeatherForecast.Day] = []
        for (index, date) in dates.enumerated() {
            guard let date, let maximum = daily.maximum?[safe: index] ?? nil,
                let minimum = daily.minimum?[safe: index] ?? nil, let dayCode = daily.code?[safe: index] ?? nil
            else { throw .malformed("day \(index) lacks its date, temperatures or weather code") }
            guard minimum <= maximum else { throw .malformed("day \(index) has its minimum above its maximum") }
            days.append(
                WeatherForecast.Day(
                    date: date, condition: condition(dayCode), minimum: minimum, maximum: maximum,
                    precipitationChance: (daily.precipitation?[safe: index] ?? nil).map { Int($0.rounded()) }))
        }
        return WeatherForecast(
            place: place, timeZone: wire.timezone ?? "",
            now: WeatherForecast.Now(
                time: time, temperature: temperature, feelsLike: current.apparent,
                humidity: current.humidity.map { Int($0.rounded()) }, wind: current.wind, condition: condition(code)),
            days: days, summary: "", processingMilliseconds: 0)
    }

    public static func enrich(_ forecast: WeatherForecast, processingMilliseconds: Int) -> WeatherForecast {
        var forecast = forecast
        var summary = "\(forecast.now.condition.capitalizedFirst), \(celsius(forecast.now.temperature)) now"
        if !forecast.place.isEmpty { summary += " in \(forecast.place)" }
        if let tomorrow = forecast.days.dropFirst().first {
            summary += "; tomorrow \(tomorrow.condition), \(celsius(tomorrow.minimum)) to \(celsius(tomorrow.maximum))"
        }
        forecast.summary = summary + "."
        forecast.processingMilliseconds = processingMilliseconds
        return forecast
    }

    public static func format(_ forecast: WeatherForecast) -> FormattedData {
        var now = "\(forecast.now.condition), \(celsius(forecast.now.temperature))"
        if let feels = forecast.now.feelsLike { now += " (feels like \(celsius(feels)))" }
        if let humidity = forecast.now.humidity { now += ", humidity \(humidity) %" }
        if let wind = forecast.now.wind { now += ", wind \(String(format: "%.0f", wind)) km/h" }
        func day(_ day: WeatherForecast.Day) -> String {
            var text = "\(day.condition), \(celsius(day.minimum)) to \(celsius(day.maximum))"
            if let chance = day.precipitationChance { text += ", \(chance) % chance of precipitation" }
            return text
        }
        var lines = [
            forecast.summary, "", "- **Now** (\(forecast.now.time.replacingOccurrences(of: "T", with: " "))): \(now)",
        ]
        lines += forecast.days.map { "- **\($0.date):** \(day($0))" }
        let fields = PromptData.fields(
            [.init("Summary", .text(forecast.summary)), .init("Now", .text(now))]
                + forecast.days.map { .init($0.date, .text(day($0))) })
        return FormattedData(markdown: lines.joined(separator: "\n"), fields: fields)
    }

    static func celsius(_ value: Double) -> String { String(format: "%.0f °C", value) }

    /// WMO weather interpretation codes, as Open-Meteo documents them.
    public static func condition(_ code: Double) -> String {
        switch Int(code) {
        case 0: "clear sky"
        case 1: "mainly clear"
        case 2: "partly cloudy"
        case 3: "overcast"
        case 45, 48: "fog"
        case 51, 53, 55: "drizzle"
        case 56, 57: "freezing drizzle"
        case 61, 63: "rain"
        case 65: "heavy rain"
        case 66, 67: "freezing rain"
        case 71, 73: "snow"
        case 75: "heavy snow"
        case 77: "snow grains"
        case 80, 81: "rain showers"
        case 82: "violent rain showers"
        case 85, 86: "snow showers"
        case 95: "thunderstorm"
        case 96, 99: "thunderstorm with hail"
        default: "unknown conditions"
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
