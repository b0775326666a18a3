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
    let logger: Logger

    /// - Parameter logger: Where the lines go (at info).
    public init(logger: Logger) {
        self.logger = logger
    }

    static var requestIDField: HTTPField.Name { RequestLogFields.requestID }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var id = request.headers[Self.requestIDField].flatMap(Self.usable) ?? Self.newID()
        do {
            var response = try await next(request, context)
            if let served = response.headers[Self.requestIDField] {
                id = served
            } else {
                response.headers[Self.requestIDField] = id
            }
            log(request, context: context, id: id, status: Int(response.status.code), started: started) { metadata in
                for (key, name) in RequestLogFields.served {
                    if let value = response.headers[name] { metadata[key] = .string(value) }
                }
            }
            return response
        } catch {
            log(request, context: context, id: id, status: 500, started: started) { _ in }
            throw error
        }
    }

    private func log(
        _ request: Request, context: Context, id: String, status: Int, started: ContinuousClock.Instant,
        extra: (inout Logger.Metadata) -> Void
    ) {
        let elapsed = ContinuousClock.now - started
        var metadata: Logger.Metadata = [
            "request_id": .string(id), "method": .string(request.method.rawValue),
            "route": .string(context.endpointPath ?? "unmatched"), "status": .stringConvertible(status),
            "latency_ms": .string(Self.milliseconds(elapsed)),
        ]
        if let service = context.record.service { metadata["service"] = .string(service) }
        extra(&metadata)
        logger.info("request", metadata: metadata)
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

/// The headers the request log reads and writes.
enum RequestLogFields {
    static let requestID = HTTPField.Name("x-request-id")!
    /// What the gateway answered with, as the log's keys.
    static let served: [(String, HTTPField.Name)] = [
        ("provider", HTTPField.Name("x-switchyard-provider")!), ("model", HTTPField.Name("x-switchyard-model")!),
        ("attempts", HTTPField.Name("x-switchyard-attempts")!),
    ]
}
