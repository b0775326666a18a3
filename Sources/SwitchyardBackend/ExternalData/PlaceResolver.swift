import Foundation
import SwitchyardCore

/// Resolves a place query to coordinates and a time zone: given coordinates as they are; a name through the
/// process cache, the `places` table, then the geocoder (a place does not move: kept for good). One geocoding call
/// per name at a time in this process.
final class PlaceResolver: Sendable {
    let geocoder: (any Geocoder)?
    let store: any ExternalDataStore
    let counters: any ExternalDataCounters
    private let known = BoundedCache<String, GeoPlace>(capacity: 10_000)
    private let flights = SingleFlight<String, GeoPlace>()

    init(geocoder: (any Geocoder)?, store: any ExternalDataStore, counters: any ExternalDataCounters) {
        self.geocoder = geocoder
        self.store = store
        self.counters = counters
    }

    /// - Returns: nil when no place is asked for.
    /// - Throws: ``ExternalDataError/placeNotFound(_:)``, ``ExternalDataError/missingInput(_:)`` without a name or
    ///   coordinates, or the geocoder's error.
    func resolve(_ query: PlaceQuery?) async throws -> GeoPlace? {
        guard let query else { return nil }
        if let direct = query.direct { return direct }
        guard let name = query.normalizedName, let written = query.name else {
            throw ExternalDataError.missingInput("a place name, or coordinates with their time zone")
        }
        if let place = known.value(for: name) { return place }
        let place = try await flights.run(name) {
            if let stored = try await self.store.place(name: name) { return stored }
            guard let geocoder = self.geocoder else { throw ExternalDataError.notConfigured("places") }
            self.counters.apiCall(source: "places")
            guard let found = try await geocoder.search(written) else {
                throw ExternalDataError.placeNotFound(written)
            }
            try await self.store.savePlace(found, name: name)
            return found
        }.value
        known.store(place, for: name)
        return place
    }
}
