import CoreMetrics
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import Prometheus
import Synchronization

/// The metrics of one application: swift-metrics handles backed by its own Prometheus registry (one per
/// application, so that two in one process, as in tests, count apart), exposed at `/metrics` in the Prometheus
/// text format. Label values come from a closed set (routes, statuses, configured providers and models, outcome
/// names), never from request data.
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Where the swift-metrics handles are made; histogram buckets are set per metric name.
    public let factory: PrometheusMetricsFactory
    private let beforeRender = Mutex<[@Sendable () -> Void]>([])
    private let handles = MetricHandles()

    /// - Parameters:
    ///   - durationBuckets: Bucket boundaries of the duration histograms (swift-metrics `Timer`s), by name.
    ///   - valueBuckets: Bucket boundaries of the value histograms (aggregating `Recorder`s), by name.
    public init(durationBuckets: [String: [Duration]] = [:], valueBuckets: [String: [Double]] = [:]) {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = durationBuckets
        factory.valueHistogramBuckets = valueBuckets
        self.factory = factory
    }

    /// Counts a finished HTTP request.
    public func recordRequest(route: String, status: Int) {
        counter("switchyard_http_requests_total", [("route", route), ("status", String(status))]).increment()
    }

    /// The counter of a label set, made once.
    public func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        handles.counter(label, dimensions, factory: factory)
    }

    /// The timer (a duration histogram) of a label set, made once.
    public func timer(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Timer {
        handles.timer(label, dimensions, factory: factory)
    }

    /// The recorder (a value histogram) of a label set, made once.
    public func recorder(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Recorder {
        handles.recorder(label, dimensions, factory: factory)
    }

    /// Runs `refresh` before every rendering, for gauges read from state (open cooldowns, say).
    public func onRender(_ refresh: @escaping @Sendable () -> Void) {
        beforeRender.withLock { $0.append(refresh) }
    }

    /// - Returns: The exposition text.
    public func render() -> ByteBuffer {
        for refresh in beforeRender.withLock({ $0 }) { refresh() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(registry.internalBufferCapacity())
        registry.emit(into: &bytes)
        return ByteBuffer(bytes: bytes)
    }

    /// - Returns: The exposition text, as a string.
    public func renderText() -> String {
        String(buffer: render())
    }

    /// The `GET /metrics` answer.
    public func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: render()))
    }
}
