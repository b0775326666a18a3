import Foundation
import Logging
import SwitchyardCore
import SwitchyardHTTP

/// The audit line written straight into its JSON bytes: the same line ``JSONLogHandler`` writes for the request log's
/// event (same fields, same order, the keys sorted), without a metadata dictionary to build, merge and sort per
/// request. Taken when the request log's logger writes JSON and has no metadata of its own.
struct JSONRequestLogSink: RequestLogSink {
    let handler: JSONLogHandler

    /// The request log's event source (the module that logs it).
    static let source = "SwitchyardHTTP"

    /// The sink for `logger`: this one when it writes JSON lines, else the log event.
    static func sink(for logger: Logger) -> any RequestLogSink {
        guard let handler = logger.handler as? JSONLogHandler, handler.metadata.isEmpty
        else { return LoggerRequestLogSink(logger: logger) }
        return JSONRequestLogSink(handler: handler)
    }

    func record(_ entry: RequestLogEntry) {
        guard handler.logLevel <= .info else { return }
        LogOutput.standardError.write(line(for: entry, at: Date().timeIntervalSince1970))
    }

    /// The line, newline included.
    func line(for entry: RequestLogEntry, at seconds: Double) -> [UInt8] {
        var line = JSONWriter(capacity: 384)
        line.raw(#"{"time":""#)
        JSONLogHandler.appendTime(seconds, to: &line)
        line.raw(#"","level":"info","logger":"#)
        line.string(handler.label)
        line.raw(#","message":"request","source":"#)
        line.string(Self.source)
        // In key order.
        field("attempts", entry.attempts, to: &line)
        field("latency_ms", entry.latencyMilliseconds, to: &line)
        field("method", entry.method, to: &line)
        field("model", entry.model, to: &line)
        field("provider", entry.provider, to: &line)
        field("request_id", entry.requestID, to: &line)
        field("route", entry.route, to: &line)
        field("service", entry.service, to: &line)
        line.raw(#","status":""#)
        line.digits(entry.status, width: 1)
        line.raw("\"}\n")
        return line.bytes
    }

    private func field(_ key: StaticString, _ value: String?, to line: inout JSONWriter) {
        guard let value else { return }
        line.raw(",\"")
        line.raw(key)
        line.raw("\":")
        line.string(value)
    }
}
