import Foundation

/// A birth chart in one shape, whatever the API's spelling: planets with sign, degrees, house, nakshatra and
/// retrograde flag; the ascendant; the running major and minor dasha with ISO dates. Enrichment adds a summary and
/// the time the fetch and pipeline took.
public struct AstrologyChart: Codable, Sendable, Equatable {
    public struct Placement: Codable, Sendable, Equatable {
        public var name: String
        public var sign: String
        /// 0 ..< 360 along the zodiac.
        public var fullDegree: Double
        /// 0 ..< 30 within the sign.
        public var degree: Double
        public var house: Int
        public var nakshatra: String?
        public var retrograde: Bool
    }

    public struct Period: Codable, Sendable, Equatable {
        public var planet: String
        /// `YYYY-MM-DDTHH:MM`.
        public var start: String
        public var end: String

        public init(planet: String, start: String, end: String) {
            self.planet = planet
            self.start = start
            self.end = end
        }
    }

    public var ascendant: Placement
    /// Sun, Moon, Mars, Mercury, Jupiter, Venus, Saturn, Rahu, Ketu (and outer planets when sent), in that order.
    public var planets: [Placement]
    public var mahadasha: Period
    public var antardasha: Period
    /// Enrichment: one line on the chart.
    public var summary: String
    /// Enrichment: how long the API calls and the pipeline took.
    public var processingMilliseconds: Int
}

/// The astrology pipeline, one pure function per stage: validate → normalize → enrich → format.
public enum AstrologyPipeline {
    public static let signs = [
        "Aries", "Taurus", "Gemini", "Cancer", "Leo", "Virgo", "Libra", "Scorpio", "Sagittarius", "Capricorn",
        "Aquarius", "Pisces",
    ]
    /// The nine grahas, in the order a chart lists them.
    public static let grahas = ["Sun", "Moon", "Mars", "Mercury", "Jupiter", "Venus", "Saturn", "Rahu", "Ketu"]
    static let outerPlanets = ["Uranus", "Neptune", "Pluto"]

    /// The two answers, validated.
    public struct Validated: Sendable, Equatable {
        public var planets: [AstrologyWire.Planet]
        public var dasha: AstrologyWire.CurrentDasha
    }

    /// Decodes and validates both answers. Nothing that fails here reaches a cache or a prompt.
    /// - Throws: ``ExternalDataError/malformed(_:)`` naming the first problem.
    public static func validate(
        planets planetsBody: Data, dasha dashaBody: Data
    ) throws(ExternalDataError)
        -> Validated
    {
        let planets: [AstrologyWire.Planet]
        let dasha: AstrologyWire.CurrentDasha
        do {
            planets = try JSONDecoder().decode([AstrologyWire.Planet].self, from: planetsBody)
        } catch {
            throw .malformed("the planets answer is not a list of planets")
        }
        do {
            dasha = try JSONDecoder().decode(AstrologyWire.CurrentDasha.self, from: dashaBody)
        } catch {
            throw .malformed("the dasha answer is not an object of periods")
        }
        var seen = Set<String>()
        for (index, planet) in planets.enumerated() {
            guard let name = planet.name, grahas.contains(name) || outerPlanets.contains(name) || name == "Ascendant"
            else { throw .malformed("planet \(index) has an unknown name") }
            guard seen.insert(name).inserted else { throw .malformed("\(name) appears twice") }
            guard let sign = planet.sign, signs.contains(sign) else { throw .malformed("\(name) has no known sign") }
            guard let full = planet.fullDegree, (0..<360).contains(full) else {
                throw .malformed("\(name) has no fullDegree in 0..<360")
            }
            guard let norm = planet.normDegree, (0..<30).contains(norm) else {
                throw .malformed("\(name) has no normDegree in 0..<30")
            }
            guard let house = planet.house, (1...12).contains(house) else {
                throw .malformed("\(name) has no house in 1...12")
            }
            guard planet.isRetro != nil else { throw .malformed("\(name) has no isRetro flag") }
        }
        for required in ["Ascendant", "Sun", "Moon"] where !seen.contains(required) {
            throw .malformed("the planets answer has no \(required)")
        }
        for (label, period) in [("major", dasha.major), ("minor", dasha.minor)] {
            guard let period else { throw .malformed("the dasha answer has no \(label) period") }
            guard let planet = period.planet, grahas.contains(planet) else {
                throw .malformed("the \(label) period has no known planet")
            }
            guard let start = period.start.flatMap(AstrologyWire.isoDate),
                let end = period.end.flatMap(AstrologyWire.isoDate)
            else { throw .malformed("the \(label) period's dates are not D-M-YYYY H:M") }
            guard start < end else { throw .malformed("the \(label) period ends before it starts") }
        }
        return Validated(planets: planets, dasha: dasha)
    }

    /// One shape: canonical order, ISO dates. Enrichment fields are empty.
    public static func normalize(_ validated: Validated) -> AstrologyChart {
        func placement(_ planet: AstrologyWire.Planet) -> AstrologyChart.Placement {
            AstrologyChart.Placement(
                name: planet.name ?? "", sign: planet.sign ?? "", fullDegree: planet.fullDegree ?? 0,
                degree: planet.normDegree ?? 0, house: planet.house ?? 0,
                nakshatra: planet.nakshatra.flatMap { $0.isEmpty ? nil : $0 },
                retrograde: planet.isRetro ?? false)
        }
        func period(_ wire: AstrologyWire.Period?) -> AstrologyChart.Period {
            AstrologyChart.Period(
                planet: wire?.planet ?? "", start: wire?.start.flatMap(AstrologyWire.isoDate) ?? "",
                end: wire?.end.flatMap(AstrologyWire.isoDate) ?? "")
        }
        let order = grahas + outerPlanets
        let byName = Dictionary(validated.planets.map { ($0.name ?? "", $0) }) { first, _ in first }
        return AstrologyChart(
            ascendant: placement(byName["Ascendant"]!),
            planets: order.compactMap { byName[$0].map(placement) },
            mahadasha: period(validated.dasha.major), antardasha: period(validated.dasha.minor), summary: "",
            processingMilliseconds: 0)
    }

    /// Adds the summary line and the processing time.
    public static func enrich(_ chart: AstrologyChart, processingMilliseconds: Int) -> AstrologyChart {
        var chart = chart
        let moon = chart.planets.first { $0.name == "Moon" }
        let sun = chart.planets.first { $0.name == "Sun" }
        var parts = ["\(chart.ascendant.sign) ascendant"]
        if let moon { parts.append("Moon in \(moon.sign)" + (moon.nakshatra.map { " (\($0))" } ?? "")) }
        if let sun { parts.append("Sun in \(sun.sign)") }
        let retrograde = chart.planets.filter(\.retrograde).map(\.name)
        if !retrograde.isEmpty { parts.append("retrograde: " + retrograde.joined(separator: ", ")) }
        parts.append(
            "running \(chart.mahadasha.planet)–\(chart.antardasha.planet) dasha until "
                + String(chart.antardasha.end.prefix(10)))
        chart.summary = parts.joined(separator: "; ") + "."
        chart.processingMilliseconds = processingMilliseconds
        return chart
    }

    /// The prompt's view: a Markdown block, and nested fields for structured prompts.
    public static func format(_ chart: AstrologyChart) -> FormattedData {
        func degrees(_ value: Double) -> String { String(format: "%.2f°", value) }
        func describe(_ placement: AstrologyChart.Placement) -> String {
            var text = "\(placement.sign) \(degrees(placement.degree)), house \(placement.house)"
            if let nakshatra = placement.nakshatra { text += ", \(nakshatra) nakshatra" }
            if placement.retrograde { text += ", retrograde" }
            return text
        }
        func period(_ period: AstrologyChart.Period) -> String {
            "\(period.planet), \(period.start.prefix(10)) to \(period.end.prefix(10))"
        }
        var lines = [
            chart.summary, "",
            "- **Ascendant:** \(chart.ascendant.sign) \(degrees(chart.ascendant.degree))",
            "- **Mahadasha:** \(period(chart.mahadasha))",
            "- **Antardasha:** \(period(chart.antardasha))", "",
            "| Planet | Sign | Degree | House | Nakshatra | Retrograde |",
            "|---|---|---|---|---|---|",
        ]
        for planet in chart.planets {
            lines.append(
                "| \(planet.name) | \(planet.sign) | \(degrees(planet.degree)) | \(planet.house) | "
                    + "\(planet.nakshatra ?? "") | \(planet.retrograde ? "yes" : "no") |")
        }
        let fields = PromptData.fields([
            .init("Summary", .text(chart.summary)),
            .init("Ascendant", .text("\(chart.ascendant.sign) \(degrees(chart.ascendant.degree))")),
            .init(
                "Current Dasha",
                .fields([
                    .init("Mahadasha", .text(period(chart.mahadasha))),
                    .init("Antardasha", .text(period(chart.antardasha))),
                ])),
            .init("Planets", .fields(chart.planets.map { .init($0.name, .text(describe($0))) })),
        ])
        return FormattedData(markdown: lines.joined(separator: "\n"), fields: fields)
    }
}
