import SwitchyardCore
import SwitchyardHTTP
import Testing

/// External data's counters as `/metrics` shows them: one series per source, layer and result, counted exactly.
@Suite struct ExternalDataMetricsTests {
    @Test func lookupsCallsFailuresAndStaleServesAreCountedPerLabelSet() {
        let metrics = ServiceMetrics()
        let counters = ExternalDataMetrics(metrics)
        for _ in 0..<3 { counters.hit(source: "astrology", layer: .process) }
        counters.miss(source: "astrology", layer: .process)
        counters.miss(source: "astrology", layer: .memo)
        counters.hit(source: "weather", layer: .process)
        counters.apiCall(source: "astrology")
        counters.failure(source: "weather", kind: "timeout")
        counters.staleServed(source: "weather")
        let text = PrometheusText(metrics.renderText())
        let lookups = "switchyard_external_data_lookups_total"
        #expect(text.value(lookups, ["source": "astrology", "layer": "process", "result": "hit"]) == 3)
        #expect(text.value(lookups, ["source": "astrology", "layer": "process", "result": "miss"]) == 1)
        #expect(text.value(lookups, ["source": "astrology", "layer": "memo", "result": "miss"]) == 1)
        #expect(text.value(lookups, ["source": "weather", "layer": "process", "result": "hit"]) == 1)
        #expect(text.value(lookups, ["source": "weather", "layer": "process", "result": "miss"]) == nil)
        #expect(text.total(lookups) == 6)
        #expect(text.value("switchyard_external_data_api_calls_total", ["source": "astrology"]) == 1)
        #expect(
            text.value("switchyard_external_data_failures_total", ["source": "weather", "kind": "timeout"]) == 1)
        #expect(text.value("switchyard_external_data_stale_served_total", ["source": "weather"]) == 1)
    }
}
