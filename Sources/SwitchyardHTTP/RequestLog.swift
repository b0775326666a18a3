import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SwitchyardCore
import Synchronization

/// What the middlewares of one request learn about it, for its log line: the calling service once its token is
/// verified. Shared by every copy of the request's context (contexts are values; this is the one place they share).
public final class RequestRecord: Sendable {
    private let state = Mutex<String?>(nil)

    public init() {}

    /// The `service` claim of the verified service token.
    public var service: String? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}

/// A request context that carries a ``RequestRecord``.
public protocol RequestRecordingContext: RequestContext {
    var record: RequestRecord { get }
}

/// The audit log: one line per request, written when its answer is ready: `request_id` (the caller's
/// `x-request-id` when it sends a usable one, else a new one, returned in `x-request-id`), method, route (the
/// pattern, never the path with its ids), status, latency, the calling `service` (the token's claim), and the
/// serving provider, model and attempt count when the gateway answered. Never a body, a header value, a token or a
/// key.
public struct RequestLogMiddleware<Context: RequestRecordingContext>: RouterMiddleware {
    let sink: any RequestLogSink

    /// - Parameter sink: Where the lines go (``LoggerRequestLogSink`` for a logger, at info).
    public init(sink: any RequestLogSink) {
        self.sink = sink
    }

    static var requestIDField: HTTPField.Name { ServedFields.requestID }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var id = request.headers.value(of: Self.requestIDField).flatMap(Self.usable) ?? Self.newID()
        do {
            var response = try await next(request, context)
            // One pass over the answer's fields for the four the line takes.
            var served: (id: String?, provider: String?, model: String?, attempts: String?)
            for field in response.headers {
                switch field.name {
                case Self.requestIDField: served.id = field.value
                case ServedFields.provider: served.provider = field.value
                case ServedFields.model: served.model = field.value
                case ServedFields.attempts: served.attempts = field.value
                default: continue
                }
            }
            if let servedID = served.id {
                id = servedID
            } else {
                response.headers[Self.requestIDField] = id
            }
            var entry = entry(request, context: context, id: id, status: Int(response.status.code), started: started)
            entry.provider = served.provider
            entry.model = served.model
            entry.attempts = served.attempts
            sink.record(entry)
            return response
        } catch {
            sink.record(entry(request, context: context, id: id, status: 500, started: started))
            throw error
        }
    }

    private func entry(
        _ request: Request, context: Context, id: String, status: Int, started: ContinuousClock.Instant
    ) -> RequestLogEntry {
        RequestLogEntry(
            requestID: id, method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
            status: status, latencyMilliseconds: Self.milliseconds(ContinuousClock.now - started),
            service: context.record.service)
    }

    /// A caller's id is kept when it is short and plain (letters, digits, `-`, `_`, `.`, `:`), so that a log line
    /// never carries what a client chose to inject.
    static func usable(_ id: String) -> String? {
        guard (1...128).contains(id.utf8.count),
            id.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
            })
        else { return nil }
        return id
    }

    /// `12.34`: milliseconds with two decimals, by integer arithmetic.
    static func milliseconds(_ duration: Duration) -> String {
        let hundredths = duration.components.seconds * 100_000 + duration.components.attoseconds / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func newID() -> String {
        ResponseID.next()
    }
}

/// The headers that say who served an answer: the gateway sets them, the request log reads them (and sets
/// `x-request-id` when no handler did).
public enum ServedFields {
    public static let requestID = HTTPField.Name("x-request-id")!
    /// What the gateway answered with.
    public static let provider = HTTPField.Name("x-switchyard-provider")!
    public static let model = HTTPField.Name("x-switchyard-model")!
    public static let attempts = HTTPField.Name("x-switchyard-attempts")!
}

/// One audit line's fields.
public struct RequestLogEntry: Sendable, Equatable {
    public var requestID: String
    public var method: String
    /// The route pattern (`unmatched` when none).
    public var route: String
    public var status: Int
    /// `12.34`.
    public var latencyMilliseconds: String
    /// The calling service (a verified token's claim).
    public var service: String?
    /// The serving provider, model and attempt count, when the gateway answered.
    public var provider: String?
    public var model: String?
    public var attempts: String?

    public init(
        requestID: String, method: String, route: String, status: Int, latencyMilliseconds: String,
        service: String? = nil, provider: String? = nil, model: String? = nil, attempts: String? = nil
    ) {
        self.requestID = requestID
        self.method = method
        self.route = route
        self.status = status
        self.latencyMilliseconds = latencyMilliseconds
        self.service = service
        self.provider = provider
        self.model = model
        self.attempts = attempts
    }

    /// The entry as log metadata, under the line's keys (`request_id`, `method`, `route`, `status`, `latency_ms`,
    /// `service`, `provider`, `model`, `attempts`).
    public var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "request_id": .string(requestID), "method": .string(method), "route": .string(route),
            "status": .stringConvertible(status), "latency_ms": .string(latencyMilliseconds),
        ]
        if let service { metadata["service"] = .string(service) }
        if let provider { metadata["provider"] = .string(provider) }
        if let model { metadata["model"] = .string(model) }
        if let attempts { metadata["attempts"] = .string(attempts) }
        return metadata
    }
}

/// Where the audit lines go.
public protocol RequestLogSink: Sendable {
    func record(_ entry: RequestLogEntry)
}

/// The audit line as a log event: message `request`, the entry as metadata, at info.
public struct LoggerRequestLogSink: RequestLogSink {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func record(_ entry: RequestLogEntry) {
        logger.info("request", metadata: entry.metadata)
    }
}
