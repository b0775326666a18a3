import Foundation
import Logging
import SwitchyardHTTP
import Synchronization
import Testing

@testable import SwitchyardServer

/// The audit line written straight as JSON is byte for byte the line the JSON log handler writes for the request
/// log's event, and it is taken only where that handler would have written it.
@Suite struct JSONRequestLogSinkTests {
    /// Keeps the events a logger hands it.
    final class Events: LogHandler, @unchecked Sendable {
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        let seen = Mutex<[LogEvent]>([])

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            seen.withLock { $0.append(event) }
        }
    }

    static let entries = [
        RequestLogEntry(
            requestID: "req-1", method: "POST", route: "/v1/chat/completions", status: 200,
            latencyMilliseconds: "1.25", service: "bench", provider: "openai", model: "gpt-4o-mini", attempts: "2"),
        RequestLogEntry(
            requestID: "a\"b\\c", method: "GET", route: "unmatched", status: 404, latencyMilliseconds: "0.07"),
        RequestLogEntry(
            requestID: "x", method: "POST", route: "/v1/chats/{id}", status: 503, latencyMilliseconds: "10000.00",
            service: "caf\u{e9}\n\u{1}", model: "m"),
    ]

    @Test(arguments: entries)
    func theLineIsTheOneTheJSONHandlerWritesForTheEvent(entry: RequestLogEntry) throws {
        // The event as the request log's logger makes it (its source is the module that logs it).
        let events = Events()
        LoggerRequestLogSink(logger: Logger(label: "switchyard") { _ in events }).record(entry)
        let event = try #require(events.seen.withLock { $0.first })
        #expect(event.source == JSONRequestLogSink.source)
        let handler = JSONLogHandler(label: "switchyard", level: .info)
        let expected = handler.line(for: event, at: 1_764_570_018.257)
        let written = JSONRequestLogSink(handler: handler).line(for: entry, at: 1_764_570_018.257)
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(try JSONSerialization.jsonObject(with: Data(written.dropLast())) is [String: Any])
    }

    @Test func onlyAJSONLoggerWithoutMetadataOfItsOwnTakesTheDirectLine() {
        let json = Logger(label: "switchyard") { JSONLogHandler(label: $0, level: .info) }
        #expect(JSONRequestLogSink.sink(for: json) is JSONRequestLogSink)
        var tagged = json
        tagged[metadataKey: "role"] = "gateway"
        #expect(JSONRequestLogSink.sink(for: tagged) is LoggerRequestLogSink)
        #expect(JSONRequestLogSink.sink(for: Logger(label: "switchyard") { _ in Events() }) is LoggerRequestLogSink)
    }
}
