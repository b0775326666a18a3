import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// A fake of an OpenAI-protocol provider that checks requests the way the real one does and answers with its real
/// bytes (`shared/providers.md` §1, §6–§9). It is written independently of the adapters it tests.
public struct FakeOpenAIUpstream: Sendable {
    public enum Flavor: String, Sendable, CaseIterable {
        case openai, groq, openrouter, byteplus, mistral, compatible

        /// The path prefix of the real API (`/v1`, `/openai/v1`, …).
        public var pathPrefix: String {
            switch self {
            case .openai, .mistral, .compatible: "/v1"
            case .groq: "/openai/v1"
            case .openrouter: "/api/v1"
            case .byteplus: "/api/v3"
            }
        }
    }

    public let flavor: Flavor
    public let apiKey: String
    public let state = FakeUpstreamState()

    /// - Parameters:
    ///   - flavor: Which provider to imitate.
    ///   - apiKey: The key it accepts.
    public init(flavor: Flavor, apiKey: String = "sk-test-key") {
        self.flavor = flavor
        self.apiKey = apiKey
    }

    /// Runs the fake on a loopback port.
    /// - Parameter body: Gets the base URL to configure (`http://127.0.0.1:PORT/v1`).
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        let handler = self
        router.post(RouterPath(flavor.pathPrefix + "/chat/completions")) { request, _ in
            try await handler.handle(request)
        }
        return try await router.serveOnLoopback { address in try await body(address.origin + flavor.pathPrefix) }
    }

    func handle(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 22)
        let headers = FakeHTTP.headers(of: request)
        let recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, headers: headers, body: Data(buffer: body))
        await state.record(recorded)
        if let rejection = check(recorded) { return rejection }
        let json = recorded.json ?? [:]
        let stream = json["stream"] as? Bool ?? false
        let includeUsage =
            flavor == .mistral || ((json["stream_options"] as? [String: Any])?["include_usage"] as? Bool ?? false)
        let model = json["model"] as? String ?? "unknown"
        return try await respond(
            await state.next() ?? .success("Hello from \(flavor.rawValue)."),
            stream: stream, includeUsage: includeUsage, model: model)
    }

    private func respond(
        _ response: FakeResponse, stream: Bool, includeUsage: Bool, model: String
    ) async throws
        -> Response
    {
        switch response {
        case .success(let text):
            return stream
                ? sse(OpenAIBytes.chunks(text: text, model: model, includeUsage: includeUsage, flavor: flavor))
                : Self.json(200, OpenAIBytes.completion(text: text, model: model))
        case .raw(let status, let body, let headers):
            return FakeHTTP.json(status, body, headers: headers)
        case .delayed(let delay, let then):
            try await Task.sleep(for: delay)
            return try await respond(then, stream: stream, includeUsage: includeUsage, model: model)
        case .streamCut(let count):
            let frames = OpenAIBytes.chunks(
                text: "one two three four five six", model: model, includeUsage: false, flavor: flavor)
            return sse(Array(frames.prefix(count + 1)), thenFail: true)
        case .streamError(let count, let data):
            let frames = OpenAIBytes.chunks(
                text: "one two three four five six", model: model, includeUsage: false, flavor: flavor)
            return sse(Array(frames.prefix(count + 1)) + ["data: \(data)\n\n"])
        case .drop:
            return FakeHTTP.drop()
        case .frames(let frames):
            return FakeHTTP.stream(frames)
        }
    }

    /// The checks the real provider makes before it looks at the model.
    private func check(_ request: RecordedRequest) -> Response? {
        guard request.headers["authorization"] == "Bearer \(apiKey)" else {
            return Self.json(401, OpenAIBytes.authError(flavor: flavor))
        }
        guard request.headers["content-type"]?.hasPrefix("application/json") == true, let json = request.json else {
            return Self.json(
                400, OpenAIBytes.invalid(flavor: flavor, message: "We could not parse the JSON body of your request."))
        }
        guard json["model"] is String, let messages = json["messages"] as? [[String: Any]], !messages.isEmpty else {
            return Self.json(
                400, OpenAIBytes.invalid(flavor: flavor, message: "Missing required parameter: 'messages'."))
        }
        let roles = messages.compactMap { $0["role"] as? String }
        switch flavor {
        case .openai, .groq:
            let unknown = Set(json.keys).subtracting(OpenAIBytes.openAIFields)
            if let field = unknown.sorted().first {
                return Self.json(
                    400,
                    OpenAIBytes.invalid(flavor: flavor, message: "Unrecognized request argument supplied: \(field)"))
            }
        case .mistral:
            let unknown = Set(json.keys).subtracting(OpenAIBytes.mistralFields)
            if let field = unknown.sorted().first {
                return Self.json(422, OpenAIBytes.mistralExtraForbidden(field))
            }
        case .byteplus:
            if json["max_tokens"] != nil, json["max_completion_tokens"] != nil {
                return Self.json(
                    400,
                    OpenAIBytes.byteplusError(
                        code: "InvalidParameter", message: "max_tokens and max_completion_tokens cannot both be set"))
            }
            if roles.contains("developer") {
                return Self.json(
                    400, OpenAIBytes.byteplusError(code: "InvalidParameter", message: "role developer is not supported")
                )
            }
        case .openrouter, .compatible:
            break
        }
        return nil
    }

    static func json(_ status: Int, _ body: String) -> Response {
        FakeHTTP.json(status, body)
    }

    private func sse(_ frames: [String], thenFail: Bool = false) -> Response {
        // OpenRouter sends keep-alive comments while it waits for the upstream model.
        let comment = flavor == .openrouter ? [": OPENROUTER PROCESSING\n\n"] : []
        return FakeHTTP.stream((comment + frames).map { Array($0.utf8) }, thenFail: thenFail)
    }
}
