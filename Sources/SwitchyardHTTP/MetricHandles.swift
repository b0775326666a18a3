import CoreMetrics
import Metrics
import Synchronization

/// swift-metrics handles kept by label and dimensions: making one goes through the Prometheus registry's lock and
/// sorts its labels, which showed in the gateway's per-request profile; a kept handle is one hash lookup.
final class MetricHandles: Sendable {
    private struct Key: Hashable {
        var kind: UInt8
        var label: String
        /// Names and values, alternating.
        var dimensions: [String]

        init(_ kind: UInt8, _ label: String, _ dimensions: [(String, String)]) {
            self.kind = kind
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

    /// Label sets come from closed sets (routes, statuses, configured targets, outcome names); the bound guards
    /// against a mistake that would let request data in.
    private static let capacity = 10_000
    private let handles = Mutex<[Key: any Sendable]>([:])

    func counter(_ label: String, _ dimensions: [(String, String)], factory: any MetricsFactory) -> Counter {
        handle(Key(0, label, dimensions)) { Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    func timer(_ label: String, _ dimensions: [(String, String)], factory: any MetricsFactory) -> Timer {
        handle(Key(1, label, dimensions)) { Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    func recorder(_ label: String, _ dimensions: [(String, String)], factory: any MetricsFactory) -> Recorder {
        handle(Key(2, label, dimensions)) { Recorder(label: label, dimensions: dimensions, factory: factory) }
    }

    private func handle<Handle: Sendable>(_ key: Key, make: () -> Handle) -> Handle {
        if let known = handles.withLock({ $0[key] }) as? Handle { return known }
        let made = make()
        handles.withLock { handles in
            if handles.count < Self.capacity { handles[key] = made }
        }
        return made
    }
}
