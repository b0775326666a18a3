// Bedrock Runtime Converse: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore

/// AWS Bedrock Runtime, Converse and ConverseStream, in any region, signed with SigV4 (signing name `bedrock`) or
/// called with a Bedrock API key.
public struct BedrockProvider: ChatProvider {
    public enum Authentication: Sendable {
        case sigV4(AWSCredentials)
        /// `AWS_BEARER_TOKEN_BEDROCK`.
        case apiKey(Secret)
    }

    public static let defaultRegion = "ap-south-1"

    public let id: String
    public var genAIProviderName: String { "aws.bedrock" }
    private let authentication: Authentication
    public let defaultRegion: String?
    /// `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`: one endpoint for every region (a proxy, or a test server).
    private let endpointOverride: String?
    private let transport: HTTPTransport
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - id: The provider id.
    ///   - authentication: SigV4 credentials or an API key.
    ///   - defaultRegion: The region when neither request nor target names one.
    ///   - endpointOverride: An endpoint for every region, if set.
    ///   - transport: The shared HTTP transport.
    ///   - now: The clock for signatures.
    public init(
        id: String = "bedrock", authentication: Authentication, defaultRegion: String = Self.defaultRegion,
        endpointOverride: String? = nil, transport: HTTPTransport, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.id = id
        self.authentication = authentication
        self.defaultRegion = defaultRegion
        self.endpointOverride = endpointOverride.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.transport = transport
        self.now = now
    }

    /// The endpoint of a region.
    public func endpoint(region: String) -> String {
        endpointOverride ?? "https://bedrock-runtime.\(region).amazonaws.com"
    }

    private func prepared(_ request: ProviderRequest, stream: Bool) throws -> (String, HTTPHeaders, ByteBuffer) {
        let region = request.regionName ?? defaultRegion ?? Self.defaultRegion
        let endpoint = endpoint(region: region)
        let path = "/model/\(request.model.addingPathPercentEncoding())/\(stream ? "converse-stream" : "converse")"
        let body = try WireJSON.encode(BedrockMapping.request(request))
        var headers: HTTPHeaders = ["content-type": "application/json"]
        if stream { headers.add(name: "accept", value: "application/vnd.amazon.eventstream") }
        switch authentication {
        case .apiKey(let key):
            headers.add(name: "authorization", value: "Bearer \(key.value)")
        case .sigV4(let credentials):
            guard let url = URL(string: endpoint), let host = url.host else {
                throw ProviderFailure(.transport, detail: "invalid Bedrock endpoint")
            }
            let hostHeader = url.port.map { "\(host):\($0)" } ?? host
            let signer = SigV4Signer(credentials: credentials, region: region, service: "bedrock")
            let signature = signer.sign(
                method: "POST", host: hostHeader, path: url.path + path,
                headers: [("content-type", "application/json")], body: body.readableBytesView, date: now())
            for (name, value) in signature.headers { headers.add(name: name, value: value) }
        }
        return (endpoint + path, headers, body)
    }

    public func complete(_ request: ProviderRequest, timeout: Duration) async throws -> GenerationResult {
        let (url, headers, body) = try prepared(request, stream: false)
        let response = try await transport.send(url: url, headers: headers, body: body, timeout: timeout)
        guard (200..<300).contains(response.status) else {
            throw BedrockErrorClassifier.classify(
                exceptionType: response.headers.first(name: "x-amzn-ErrorType") ?? "", status: response.status,
                payload: Array(response.body.readableBytesView))
        }
        guard let decoded = try? JSONDecoder().decode(BedrockWire.Response.self, from: response.body) else {
            throw ProviderFailure(.upstream5xx, status: response.status, detail: "undecodable converse body")
        }
        return try BedrockMapping.result(decoded)
    }

    public func stream(_ request: ProviderRequest, timeout: Duration) async throws -> ProviderEventStream {
        let (url, headers, body) = try prepared(request, stream: true)
        let response = try await transport.open(url: url, headers: headers, body: body, timeout: timeout)
        let status = response.status
        guard (200..<300).contains(status) else {
            throw BedrockErrorClassifier.classify(
                exceptionType: response.headers.first(name: "x-amzn-ErrorType") ?? "", status: status,
                payload: Array(await transport.errorBody(of: response).readableBytesView))
        }
        let (stream, continuation) = ProviderEventStream.makeStream()
        let task = Task {
            var decoder = AWSEventStreamDecoder()
            var state = BedrockMapping.StreamState()
            do {
                for try await chunk in response.body {
                    let messages: [EventStreamMessage]
                    do {
                        messages = try decoder.feed(chunk.readableBytesView)
                    } catch {
                        throw ProviderFailure(.transport, detail: "corrupt event stream: \(error)")
                    }
                    for message in messages {
                        for event in try BedrockMapping.events(message, state: &state) { continuation.yield(event) }
                    }
                }
                if state.sawStop {
                    continuation.finish()
                } else {
                    continuation.finish(
                        throwing: ProviderFailure(.transport, detail: "stream closed before messageStop"))
                }
            } catch {
                continuation.finish(throwing: HTTPTransport.classify(error))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
