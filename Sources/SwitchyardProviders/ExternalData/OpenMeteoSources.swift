import Foundation
import NIOCore
import SwitchyardCore

/// Forecasts from Open-Meteo: `GET {base}/v1/forecast?latitude&longitude&current=…&daily=…&timezone=auto`. Errors
/// arrive as `{"error": true, "reason": "…"}` with 400; 429 when rate limited (retryable, its wait honoured).
public struct OpenMeteoWeatherSource: ExternalDataSource {
    public let name = "weather"
    public let settings: ExternalSourceSettings
    let baseURL: String
    let http: ExternalHTTP

    public init(baseURL: String, transport: HTTPTransport, settings: ExternalSourceSettings = .weather) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        http = ExternalHTTP(transport: transport, api: "weather")
        self.settings = settings
    }

    public func cacheKey(for subject: DataSubject) throws(ExternalDataError) -> String {
        guard let place = subject.location?.keyPart else { throw .missingInput("a location") }
        return "weather:v1:\(place)"
    }

    public func placeQuery(for subject: DataSubject) -> PlaceQuery? { subject.location }

    public func fetch(_ subject: DataSubject, place: GeoPlace?, now: Date) async throws(ExternalDataError) -> Data {
        guard let place else { throw .missingInput("a location") }
        let started = ContinuousClock.now
        let url =
            "\(baseURL)/v1/forecast?latitude=\(String(format: "%.4f", place.latitude))"
            + "&longitude=\(String(format: "%.4f", place.longitude))&current=\(WeatherPipeline.currentVariables)"
            + "&daily=\(WeatherPipeline.dailyVariables)&timezone=auto&forecast_days=3"
        let body = try await http.send(url, timeout: settings.timeout, errorText: OpenMeteoError.reason(in:))
        let forecast = try WeatherPipeline.normalize(body, place: place.name)
        let enriched = WeatherPipeline.enrich(forecast, processingMilliseconds: started.millisecondsUntilNow)
        do {
            return try JSONEncoder().encode(enriched)
        } catch {
            throw .malformed("the forecast could not be encoded")
        }
    }

    public func format(_ payload: Data) throws(ExternalDataError) -> FormattedData {
        do {
            return WeatherPipeline.format(try JSONDecoder().decode(WeatherForecast.self, from: payload))
        } catch {
            throw .malformed("a stored forecast does not decode")
        }
    }
}

/// Open-Meteo's geocoding: `GET {base}/v1/search?name=…&count=…`, the name before the first comma; the rest of what
/// the person wrote (`Pune, India`) picks among the results.
public struct OpenMeteoGeocoder: Geocoder {
    let baseURL: String
    let http: ExternalHTTP
    let timeout: Duration

    public init(baseURL: String, transport: HTTPTransport, timeout: Duration = .seconds(5)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        http = ExternalHTTP(transport: transport, api: "places")
        self.timeout = timeout
    }

    public func search(_ query: String) async throws(ExternalDataError) -> GeoPlace? {
        let name = GeocodingAnswer.searchName(query)
        guard !name.isEmpty else { throw .missingInput("a place name") }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
        let count = query.contains(",") ? 10 : 1
        let body = try await http.send(
            "\(baseURL)/v1/search?name=\(encoded)&count=\(count)&language=en&format=json", timeout: timeout,
            errorText: OpenMeteoError.reason(in:))
        return try GeocodingAnswer.place(from: body, query: query)
    }
}
