import Foundation
import Logging
import OTel
import ServiceLifecycle
import SwiftProtobuf
import SwitchyardHTTP
import Tracing

/// OpenTelemetry traces over OTLP/HTTP (protobuf), through swift-otel, switched on by the standard variables
/// (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`; `OTEL_EXPORTER_OTLP_TRACES_HEADERS`,
/// `OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`, … as the specification describes them) and off when neither endpoint is
/// set, or with `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. Metrics and logs stay with `/metrics` and the
/// log lines. Prompts and replies enter spans only with `SWITCHYARD_TRACE_CONTENT=true`.
public struct Telemetry: Sendable {
    /// What the application records spans with; nil when tracing is off.
    public let tracing: TraceSettings?
    private let service: (any Service)?
    private let logger: Logger

    /// Tracing off.
    public static let off = Telemetry(tracing: nil, service: nil, logger: Logger(label: "switchyard.otel"))

    /// Reads the environment and, when an endpoint is set, builds the exporter and bootstraps the process's tracer
    /// (Hummingbird's request spans use it). Call once per process.
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - logger: Where the exporter's own diagnostics go.
    /// - Returns: The telemetry to run the application in.
    /// - Throws: ``SettingsError`` for settings that swift-otel refuses.
    public static func start(environment: [String: String], logger: Logger) throws -> Telemetry {
        let endpoint =
            environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? ""
        guard !endpoint.isEmpty, environment["OTEL_SDK_DISABLED"]?.lowercased() != "true",
            environment["OTEL_TRACES_EXPORTER"]?.lowercased() != "none"
        else { return .off }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "switchyard"
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        // Its own notes (each variable it read) at info are noise; failures are warnings. OTEL_LOG_LEVEL overrides.
        configuration.diagnosticLogLevel = .warning
        let base = Logger(label: "switchyard.otel")
        configuration.diagnosticLogger = .custom(
            Logger(label: "switchyard.otel") { _ in AcceptedExportFilter(wrapped: base.handler) })
        let backend: (factory: any Tracer, service: any Service)
        do {
            backend = try OTel.makeTracingBackend(configuration: configuration)
        } catch {
            throw SettingsError("OpenTelemetry settings refused: \(error)")
        }
        InstrumentationSystem.bootstrap(backend.factory)
        logger.info("tracing on: spans go to the OTLP/HTTP endpoint", metadata: ["endpoint": "\(redacted(endpoint))"])
        let content = environment["SWITCHYARD_TRACE_CONTENT"]?.lowercased() == "true"
        return Telemetry(
            tracing: TraceSettings(tracer: backend.factory, recordsContent: content), service: backend.service,
            logger: logger)
    }

    /// Runs `body` with the exporter running beside it; when `body` returns, the exporter sends what is queued and
    /// stops.
    public func run(_ body: () async throws -> Void) async throws {
        guard let service else { return try await body() }
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body()
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// The endpoint without credentials or query, for the log.
    static func redacted(_ endpoint: String) -> String {
        var text = endpoint
        if let query = text.firstIndex(of: "?") { text = String(text[..<query]) }
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
            text = String(text[..<scheme.upperBound]) + String(text[text.index(after: at)...])
        }
        return text
    }
}

/// Passes swift-otel's diagnostics on, except one: a batch that the collector accepted (a 2xx answer) with a body
/// that is not an OTLP response. Langfuse answers its OTLP endpoint so (200 with its own JSON job object), and
/// swift-otel, which decodes a JSON answer as an `ExportTraceServiceResponse`, reports every such batch as a failed
/// export. The OTLP specification makes a 2xx a success, so that report is written at debug level; any other
/// failure (a refused status, a connection error) is still a warning.
struct AcceptedExportFilter: LogHandler {
    var wrapped: any LogHandler

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level >= .warning, let error = event.error, Self.isAcceptedWithForeignBody(error) else {
            return wrapped.log(event: event)
        }
        var event = event
        event.level = .debug
        event.message = "export accepted; the collector's answer is not an OTLP response (Langfuse answers so)"
        guard wrapped.logLevel <= .debug else { return }
        wrapped.log(event: event)
    }

    /// swift-otel decodes a body only after a 2xx status; a JSON body it cannot read as an OTLP response throws
    /// this.
    static func isAcceptedWithForeignBody(_ error: any Error) -> Bool {
        error is JSONDecodingError
    }
}
