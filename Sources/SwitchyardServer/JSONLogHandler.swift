import Foundation
import Logging
import SwitchyardCore

/// Log lines as JSON objects, one per line on standard error: `time` (ISO 8601, UTC, milliseconds), `level`,
/// `logger` (the label), `message`, `source`, and the metadata's keys at the top level, sorted. For a log collector;
/// `--log-format text` (the default on a terminal) keeps swift-log's own lines.
///
/// Every request writes one line (the audit log), so the line is built by hand into one buffer and written with a
/// single `write`: no JSON serializer, no date formatter, no `Data` per line.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "{\"time\":\""
        line.reserveCapacity(256)
        Self.appendTime(Date().timeIntervalSince1970, to: &line)
        line += "\",\"level\":\"\(event.level.rawValue)\",\"logger\":"
        JSONQuoting.append(label, to: &line)
        line += ",\"message\":"
        JSONQuoting.append("\(event.message)", to: &line)
        line += ",\"source\":"
        JSONQuoting.append(event.source, to: &line)
        let all = (event.metadata?.isEmpty ?? true) ? metadata : metadata.merging(event.metadata!) { $1 }
        for key in all.keys.sorted() where !["time", "level", "logger", "message", "source"].contains(key) {
            line += ","
            JSONQuoting.append(key, to: &line)
            line += ":"
            Self.append(all[key]!, to: &line)
        }
        line += "}\n"
        line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
    }

    static func append(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text): JSONQuoting.append(text, to: &line)
        case .stringConvertible(let convertible): JSONQuoting.append("\(convertible)", to: &line)
        case .array(let values):
            line += "["
            for (index, value) in values.enumerated() {
                if index > 0 { line += "," }
                append(value, to: &line)
            }
            line += "]"
        case .dictionary(let values):
            line += "{"
            for (index, key) in values.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                JSONQuoting.append(key, to: &line)
                line += ":"
                append(values[key]!, to: &line)
            }
            line += "}"
        }
    }

    /// `2026-12-01T06:20:18.257Z`, from the epoch seconds.
    static func appendTime(_ seconds: Double, to line: inout String) {
        let totalMillis = Int64((seconds * 1000).rounded())
        var time = time_t(totalMillis / 1000)
        var parts = tm()
        gmtime_r(&time, &parts)
        let millis = Int(totalMillis % 1000)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        line += "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
        line += "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))."
        line += millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        line += "Z"
    }
}
