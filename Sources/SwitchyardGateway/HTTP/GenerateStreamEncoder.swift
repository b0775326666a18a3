import Foundation
import Hummingbird
import NIOCore
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardProviders

/// `POST /v1/generate/` with `"stream": true`, for a backend that runs apart from the gateway: the gateway's own
/// events, past the commit point (nothing is sent before the first content token; a failure before it is an ordinary
/// error response). `event: delta` `{"text"}`, `event: usage` (the ``Usage`` fields), `event: finish` `{"reason"}`,
/// then `event: cost` `{"cost", "attempts"}` (dollars for every attempt, null for an unpriced model; the attempt log
/// with the streaming attempt's final usage) when it ended well, or, when it broke after it began, `event: error`
/// `{"code": <failure kind>, "message"}` as the last event.
/// The serving provider and model are in the `x-switchyard-provider` / `x-switchyard-model` headers.
enum GenerateStreamEncoder {
    struct Delta: Codable {
        var text: String
    }

    struct Finish: Codable {
        var reason: String
    }

    struct Failure: Codable {
        var code: String
        var message: String
    }

    /// The last event of a stream that ended well.
    struct Summary: Codable {
        var cost: Decimal?
        var attempts: [AttemptRecord]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(cost, forKey: .cost)
            try container.encode(attempts, forKey: .attempts)
        }

        enum CodingKeys: String, CodingKey {
            case cost, attempts
        }
    }

    static func response(
        _ committed: CommittedStream, service: GatewayService, rateLimit: RateLimitQuotas?
    ) -> Response {
        var headers = ServedHeaders.fields(
            id: ServedHeaders.randomID(), provider: committed.target.provider,
            model: committed.target.model, attempts: committed.attempts.count, cache: committed.cacheStatus,
            rateLimit: rateLimit)
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let body = ResponseBody.relay { writer in
            var tally = StreamTally()
            var failure: ProviderFailure?
            do {
                for event in committed.head {
                    tally.add(event)
                    try await writer.write(frame(event))
                }
                while let event = try await committed.rest.next() {
                    tally.add(event)
                    try await writer.write(frame(event))
                }
                let ended = committed.ended(with: tally.usage)
                try await writer.write(
                    frame("cost", Summary(cost: ended.cost.map(NanoDollars.decimal), attempts: ended.attempts)))
            } catch {
                // The upstream broke, or the client went away (then this write fails too, and the upstream is cut).
                failure = error as? ProviderFailure ?? CommittedStream.failure(ending: error)
                if let failure {
                    try? await writer.write(
                        frame("error", Failure(code: failure.kind.rawValue, message: failure.message)))
                }
            }
            service.streamEnded(committed, usage: tally.usage, failure: failure, finishReason: tally.finishReason)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func frame(_ event: StreamEvent) throws -> ByteBuffer {
        switch event {
        case .delta(let text): try frame("delta", Delta(text: text))
        case .usage(let usage): try frame("usage", usage)
        case .finish(let reason): try frame("finish", Finish(reason: reason.rawValue))
        }
    }

    static func frame(_ name: String, _ value: some Encodable) throws -> ByteBuffer {
        try SSEFrame.named(name, value)
    }

    /// Reads a stream's closing `cost` event, for ``HTTPGatewayClient``. - Returns: nil for any other event.
    static func summary(_ event: SSEEvent) -> Summary? {
        guard event.event == "cost" else { return nil }
        return try? JSONDecoder().decode(Summary.self, from: Data(event.data.utf8))
    }

    /// Reads one event back into the gateway's event, for ``HTTPGatewayClient``.
    /// - Returns: The event, nil for an event it does not know; throws the ``ProviderFailure`` an `error` event carries.
    static func decode(_ event: SSEEvent) throws -> StreamEvent? {
        let data = Data(event.data.utf8)
        switch event.event {
        case "delta": return .delta(try JSONDecoder().decode(Delta.self, from: data).text)
        case "usage": return .usage(try JSONDecoder().decode(Usage.self, from: data))
        case "finish":
            return .finish(FinishReason(rawValue: try JSONDecoder().decode(Finish.self, from: data).reason) ?? .stop)
        case "error":
            let failure = try JSONDecoder().decode(Failure.self, from: data)
            throw ProviderFailure(ProviderFailure.Kind(rawValue: failure.code) ?? .transport, message: failure.message)
        default: return nil
        }
    }
}
