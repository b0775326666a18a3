import CoreMetrics
import Metrics
import SwitchyardCore

/// External data's counters on the application's registry: `switchyard_external_data_lookups_total{source,layer,
/// result}` (hit or miss per cache layer), `switchyard_external_data_api_calls_total{source}` (places included),
/// `switchyard_external_data_failures_total{source,kind}` and `switchyard_external_data_stale_served_total{source}`.
/// Sources are the configured ones, so label values form a closed set.
public final class ExternalDataMetrics: ExternalDataCounters {
    let metrics: ServiceMetrics

    public init(_ metrics: ServiceMetrics) {
        self.metrics = metrics
    }

    public func hit(source: String, layer: ExternalDataLayer) {
        lookup(source, layer, "hit")
    }

    public func miss(source: String, layer: ExternalDataLayer) {
        lookup(source, layer, "miss")
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

    private func lookup(_ source: String, _ layer: ExternalDataLayer, _ result: String) {
        count(
            "switchyard_external_data_lookups_total",
            [("source", source), ("layer", layer.rawValue), ("result", result)])
    }

    private func count(_ label: String, _ dimensions: [(String, String)]) {
        metrics.counter(label, dimensions).increment()
    }
}
