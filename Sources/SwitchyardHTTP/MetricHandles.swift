import CoreMetrics
import Metrics
import Synchronization

/// swift-metrics handles kept by label and dimensions: making one goes through the Prometheus registry's lock and
/// sorts its labels, which showed in the gateway's per-request profile; a kept handle is one hash lookup.
final class MetricHandles: Sendable {
    private struct Key: Hashable {
        var label: String
        /// Names and values, alternating.
        var dimensions: [String]

        init(_ label: String, _ dimensions: [(String, String)]) {
            self.label = label
            var flat: [String] = []
            flat.reserveCapacity(dimensions.count * 2)
            for (name, value) in dimensions {
                flat.append(name)
                flat.append(value)
            }
            self.dimensions = flat
        }
    }

    private struct Kept {
        var counters: [Key: CoreMetrics.Counter] = [:]
        var timers: [Key: CoreMetrics.Timer] = [:]
        var recorders: [Key: CoreMetrics.Recorder] = [:]
    }

    /// Label sets come from closed sets (routes, statuses, configured targets, outcome names); the bound (per kind)
    /// guards against a mistake that would let request data in.
    private static let capacity = 10_000
    private let kept = Mutex(Kept())

    func counter(_ label: String, _ dimensions: [(String, String)], factory: any MetricsFactory) -> CoreMetrics.Counter
    {
        handle(\.counters, Key(label, dimensions)) { Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    func timer(_ label: String, _ dimensions: [(String, String)], factory: any MetricsFactory) -> CoreMetrics.Timer {
        handle(\.timers, Key(label, dimensions)) { Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    func recorder(
        _ label: String, _ dimensions: [(String, String)], factory: any MetricsFactory
    ) -> CoreMetrics.Recorder {
        handle(\.recorders, Key(label, dimensions)) { Recorder(label: label, dimensions: dimensions, factory: factory) }
    }

    private func handle<Handle: Sendable>(
        _ kind: WritableKeyPath<Kept, [Key: Handle]>, _ key: Key, make: () -> Handle
    ) -> Handle {
        if let known = kept.withLock({ $0[keyPath: kind][key] }) { return known }
        let made = make()
        kept.withLock { kept in
            if kept[keyPath: kind].count < Self.capacity { kept[keyPath: kind][key] = made }
        }
        return made
    }
}
