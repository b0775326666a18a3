import CoreMetrics
import Metrics
import SwitchyardCore
import Synchronization

/// External data's counters on the application's registry: `switchyard_external_data_lookups_total{source,layer,
/// result}` (hit or miss per cache layer), `switchyard_external_data_api_calls_total{source}` (places included),
/// `switchyard_external_data_failures_total{source,kind}` and `switchyard_external_data_stale_served_total{source}`.
/// Sources are the configured ones, so label values form a closed set.
public final class ExternalDataMetrics: ExternalDataCounters {
    let metrics: ServiceMetrics
    /// Handles by label and dimensions: making one goes through the registry's lock and sorts its labels.
    private let handles = Mutex<[String: Counter]>([:])
    /// The lookup counters, by a key that is not built as a string: the warm path counts two lookups per source and
    /// turn.
    private let lookups = Mutex<[Lookup: Counter]>([:])

    private struct Lookup: Hashable {
        var source: String
        var layer: ExternalDataLayer
        var hit: Bool
    }

    public init(_ metrics: ServiceMetrics) {
        self.metrics = metrics
    }

    public func hit(source: String, layer: ExternalDataLayer) {
        lookup(Lookup(source: source, layer: layer, hit: true))
    }

    public func miss(source: String, layer: ExternalDataLayer) {
        lookup(Lookup(source: source, layer: layer, hit: false))
    }

    public func apiCall(source: String) {
        count("switchyard_external_data_api_calls_total", [("source", source)])
    }

    public func failure(source: String, kind: String) {
        count("switchyard_external_data_failures_total", [("source", source), ("kind", kind)])
    }

    public func staleServed(source: String) {
        count("switchyard_external_data_stale_served_total", [("source", source)])
    }

    private func lookup(_ key: Lookup) {
        let counter = lookups.withLock { lookups in
            if let known = lookups[key] { return known }
            let made = Counter(
                label: "switchyard_external_data_lookups_total",
                dimensions: [
                    ("source", key.source), ("layer", key.layer.rawValue), ("result", key.hit ? "hit" : "miss"),
                ],
                factory: metrics.factory)
            lookups[key] = made
            return made
        }
        counter.increment()
    }

    private func count(_ label: String, _ dimensions: [(String, String)]) {
        let id = dimensions.reduce(label) { $0 + "|" + $1.0 + "=" + $1.1 }
        let counter = handles.withLock { handles in
            if let known = handles[id] { return known }
            let made = Counter(label: label, dimensions: dimensions, factory: metrics.factory)
            handles[id] = made
            return made
        }
        counter.increment()
    }
}
