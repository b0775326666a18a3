import Logging
import Synchronization

/// A log handler that keeps every line (message and metadata) in memory, at trace level, so that a test can look
/// for what must never be logged.
public final class CapturedLogs: Sendable {
    public init() {}

    private let lines = Mutex<[String]>([])

    /// A logger at `.trace` that writes here.
    public func logger(_ label: String = "captured") -> Logger {
        var logger = Logger(label: label) { _ in Handler(sink: self) }
        logger.logLevel = .trace
        return logger
    }

    public var text: String { lines.withLock { $0.joined(separator: "\n") } }

    public var count: Int { lines.withLock { $0.count } }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.append("\(event.level) \(event.message) \(all)")
        }
    }
}
