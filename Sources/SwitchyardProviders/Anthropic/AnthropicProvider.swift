// Anthropic Messages API: https://docs.anthropic.com/en/api/messages
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// Claude through the Anthropic Messages API.
public struct AnthropicProvider: ChatProvider {
    /// Pinned: this version accepts `temperature`, `top_p` and `top_k` (2026-10-21 rejects them).
    public static let apiVersion = "2023-06-01"
    public static let defaultBaseURL = "https://api.anthropic.com"

    public let id: String
    public var genAIProviderName: String { "anthropic" }
    private let baseURL: String
    private let apiKey: Secret
    private let transport: HTTPTransport

    /// - Parameters:
    ///   - id: The provider id.
    ///   - baseURL: The API origin (`ANTHROPIC_BASE_URL`), without `/v1`.
    ///   - apiKey: `ANTHROPIC_API_KEY`.
    ///   - transport: The shared HTTP transport.
    public init(id: String = "anthropic", baseURL: String, apiKey: Secret, transport: HTTPTransport) {
        self.id = id
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.transport = transport
    }

    private var url: String { baseURL + "/v1/messages" }

    private func headers(streaming: Bool) -> HTTPHeaders {
        [
            "content-type": "application/json",
            "accept": streaming ? "text/event-stream" : "application/json",
            "x-api-key": apiKey.value,
            "anthropic-version": Self.apiVersion,
        ]
    }

    public func complete(_ request: ProviderRequest, timeout: Duration) async throws -> GenerationResult {
        let body = try WireJSON.encode(AnthropicMapping.request(request, stream: false))
        let response = try await transport.send(
            url: url, headers: headers(streaming: false), body: body, timeout: timeout)
        guard (200..<300).contains(response.status) else {
            throw AnthropicErrorClassifier.classify(
                status: response.status, headers: response.headers, body: response.body)
        }
        guard let message = try? WireJSON.decode(AnthropicWire.Message.self, from: response.body) else {
            throw ProviderFailure(.upstream5xx, status: response.status, detail: "undecodable message body")
        }
        return try AnthropicMapping.result(message)
    }

    public func stream(_ request: ProviderRequest, timeout: Duration) async throws -> ProviderEventStream {
        let body = try WireJSON.encode(AnthropicMapping.request(request, stream: true))
        let response = try await transport.open(
            url: url, headers: headers(streaming: true), body: body, timeout: timeout)
        let status = response.status
        guard (200..<300).contains(status) else {
            throw AnthropicErrorClassifier.classify(
                status: status, headers: response.headers, body: await transport.errorBody(of: response))
        }
        let state = StreamStateBox()
        return SSEEventPump.events(from: response.body) { event in
            guard let events = try AnthropicMapping.events(name: event.event, data: event.data, state: &state.value)
            else { return .end }
            return .events(events)
        } atEOF: { _ in
            ProviderFailure(.transport, detail: "stream closed before message_stop")
        }
    }
}

/// Per-stream mapping state, used only by the stream's single pump task.
final class StreamStateBox: @unchecked Sendable {
    var value = AnthropicMapping.StreamState()
}
