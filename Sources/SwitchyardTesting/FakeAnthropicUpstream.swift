import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// A fake of the Anthropic Messages API that checks requests like the real one (shared/providers.md §2): the key,
/// `anthropic-version`, a required `max_tokens`, no `system` role inside `messages`, and sampling parameters refused
/// under the 2026-10-21 version. It answers Anthropic's bytes, including named SSE events.
public struct FakeAnthropicUpstream: Sendable {
    public let apiKey: String
    public let state = FakeUpstreamState()

    public init(apiKey: String = "sk-ant-test") {
        self.apiKey = apiKey
    }

    /// - Parameter body: Gets the base URL (`http://127.0.0.1:PORT`).
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let handler = self
        router.post("/v1/messages") { request, _ in try await handler.handle(request) }
        return try await router.serveOnLoopback { address in try await body(address.origin) }
    }

    /// An Anthropic error body.
    public static func errorBody(_ type: String, _ message: String) -> String { error(type, message) }

    static func error(_ type: String, _ message: String) -> String {
        #"{"type":"error","error":{"type":\#(OpenAIBytes.escape(type)),"message":\#(OpenAIBytes.escape(message))},"request_id":"req_011CTest"}"#
    }

    func handle(_ request: Request) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 22)
        let recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, headers: FakeHTTP.headers(of: request),
            body: Data(buffer: bytes))
        await state.record(recorded)
        let headers = recorded.headers
        guard headers["x-api-key"] == apiKey || headers["authorization"] == "Bearer \(apiKey)" else {
            return FakeHTTP.json(401, Self.error("authentication_error", "invalid x-api-key"))
        }
        guard let version = headers["anthropic-version"] else {
            return FakeHTTP.json(400, Self.error("invalid_request_error", "anthropic-version: header is required"))
        }
        guard let json = recorded.json else {
            return FakeHTTP.json(400, Self.error("invalid_request_error", "There was an issue with your request body"))
        }
        if json["max_tokens"] == nil {
            return FakeHTTP.json(400, Self.error("invalid_request_error", "max_tokens: Field required"))
        }
        let messages = json["messages"] as? [[String: Any]] ?? []
        if messages.isEmpty {
            return FakeHTTP.json(400, Self.error("invalid_request_error", "messages: at least one message is required"))
        }
        if messages.contains(where: { ($0["role"] as? String) == "system" }) {
            return FakeHTTP.json(
                400,
                Self.error(
                    "invalid_request_error",
                    #"messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role."#
                ))
        }
        if version == "2026-10-21", ["temperature", "top_p", "top_k"].contains(where: { json[$0] != nil }) {
            return FakeHTTP.json(
                400, Self.error("invalid_request_error", "temperature, top_p and top_k are not supported"))
        }
        if let temperature = json["temperature"] as? Double, temperature > 1 {
            return FakeHTTP.json(400, Self.error("invalid_request_error", "temperature: range: 0..1"))
        }
        let model = json["model"] as? String ?? "claude"
        let stream = json["stream"] as? Bool ?? false
        return try await respond(await state.next() ?? .success("Hello from Claude."), stream: stream, model: model)
    }

    private func respond(_ response: FakeResponse, stream: Bool, model: String) async throws -> Response {
        switch response {
        case .success(let text):
            return stream
                ? FakeHTTP.stream(Self.events(text: text, model: model))
                : FakeHTTP.json(200, Self.message(text: text, model: model))
        case .raw(let status, let body, let headers):
            return FakeHTTP.json(status, body, headers: headers)
        case .delayed(let delay, let then):
            try await Task.sleep(for: delay)
            return try await respond(then, stream: stream, model: model)
        case .streamCut(let count):
            return FakeHTTP.stream(
                Array(Self.events(text: "one two three four", model: model).prefix(3 + count)), thenFail: true)
        case .streamError(let count, let data):
            let head = Array(Self.events(text: "one two three four", model: model).prefix(3 + count))
            return FakeHTTP.stream(head + [Array("event: error\ndata: \(data)\n\n".utf8)])
        case .drop:
            return FakeHTTP.drop()
        case .frames(let frames):
            return FakeHTTP.stream(frames)
        }
    }

    static func message(text: String, model: String) -> String {
        let (prompt, completion) = OpenAIBytes.usage(for: text)
        return
            #"{"id":"msg_01Test","type":"message","role":"assistant","model":\#(OpenAIBytes.escape(model)),"content":[{"type":"text","text":\#(OpenAIBytes.escape(text))}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":\#(prompt),"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":\#(completion)}}"#
    }

    /// The event sequence of a streamed message: start, block start, ping, one delta per word, stops.
    static func events(text: String, model: String) -> [[UInt8]] {
        func event(_ name: String, _ data: String) -> [UInt8] { Array("event: \(name)\ndata: \(data)\n\n".utf8) }
        let (prompt, completion) = OpenAIBytes.usage(for: text)
        var events = [
            event(
                "message_start",
                #"{"type":"message_start","message":{"id":"msg_01Test","type":"message","role":"assistant","model":\#(OpenAIBytes.escape(model)),"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":\#(prompt),"output_tokens":1}}}"#
            ),
            event(
                "content_block_start",
                #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            event("ping", #"{"type": "ping"}"#),
        ]
        for (index, word) in text.split(separator: " ").enumerated() {
            let piece = index == 0 ? String(word) : " " + word
            events.append(
                event(
                    "content_block_delta",
                    #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":\#(OpenAIBytes.escape(piece))}}"#
                ))
        }
        events.append(event("content_block_stop", #"{"type":"content_block_stop","index":0}"#))
        events.append(
            event(
                "message_delta",
                #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":\#(completion)}}"#
            ))
        events.append(event("message_stop", #"{"type":"message_stop"}"#))
        return events
    }
}
