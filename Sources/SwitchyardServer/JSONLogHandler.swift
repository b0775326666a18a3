import Foundation
import Logging
import SwitchyardCore

/// Log lines as JSON objects, one per line on standard error: `time` (ISO 8601, UTC, milliseconds), `level`,
/// `logger` (the label), `message`, `source`, and the metadata's keys at the top level, sorted. For a log collector;
/// `--log-format text` (the default on a terminal) keeps swift-log's own lines.
///
/// Every request writes one line (the audit log), so the line is built by hand into one buffer (no JSON serializer,
/// no date formatter, no `Data` per line) and handed to ``LogOutput``, which gathers a loop pass's lines into one
/// `write`.
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
        LogOutput.standardError.write(line(for: event, at: Date().timeIntervalSince1970))
    }

    /// The line for one event, newline included.
    func line(for event: LogEvent, at seconds: Double) -> [UInt8] {
        var line = JSONWriter(capacity: 384)
        line.raw(#"{"time":""#)
        Self.appendTime(seconds, to: &line)
        line.raw(#"","level":""#)
        line.raw(event.level.rawValue)
        line.raw(#"","logger":"#)
        line.string(label)
        line.raw(#","message":"#)
        line.string(event.message.description)
        line.raw(#","source":"#)
        line.string(event.source)
        let all: Logger.Metadata
        if let extra = event.metadata, !extra.isEmpty {
            all = metadata.isEmpty ? extra : metadata.merging(extra) { $1 }
        } else {
            all = metadata
        }
        for (key, value) in all.sorted(by: { $0.key < $1.key }) where !Self.reserved(key) {
            line.comma()
            line.string(key)
            line.raw(":")
            Self.append(value, to: &line)
        }
        line.raw("}\n")
        return line.bytes
    }

    /// The keys every line has already.
    private static func reserved(_ key: String) -> Bool {
        key == "time" || key == "level" || key == "logger" || key == "message" || key == "source"
    }

    static func append(_ value: Logger.Metadata.Value, to line: inout JSONWriter) {
        switch value {
        case .string(let text): line.string(text)
        case .stringConvertible(let convertible): line.string(convertible.description)
        case .array(let values):
            line.raw("[")
            for (index, value) in values.enumerated() {
                if index > 0 { line.comma() }
                append(value, to: &line)
            }
            line.raw("]")
        case .dictionary(let values):
            line.raw("{")
            for (index, (key, value)) in values.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line.comma() }
                line.string(key)
                line.raw(":")
                append(value, to: &line)
            }
            line.raw("}")
        }
    }

    /// `2026-12-01T06:20:18.257Z`, from the epoch seconds.
    static func appendTime(_ seconds: Double, to line: inout JSONWriter) {
        let totalMillis = Int64((seconds * 1000).rounded())
        var time = time_t(totalMillis / 1000)
        var parts = tm()
        gmtime_r(&time, &parts)
        line.digits(Int(parts.tm_year) + 1900, width: 4)
        line.raw("-")
        line.digits(Int(parts.tm_mon) + 1, width: 2)
        line.raw("-")
        line.digits(Int(parts.tm_mday), width: 2)
        line.raw("T")
        line.digits(Int(parts.tm_hour), width: 2)
        line.raw(":")
        line.digits(Int(parts.tm_min), width: 2)
        line.raw(":")
        line.digits(Int(parts.tm_sec), width: 2)
        line.raw(".")
        line.digits(Int(totalMillis % 1000), width: 3)
        line.raw("Z")
    }
}
