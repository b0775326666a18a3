import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import SwitchyardCore

/// An upstream's answer, read whole.
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: ByteBuffer
}

/// The shared HTTP client for every adapter: `http`/`https` calls, answers read whole and streamed, go through a lean
/// pooled HTTP/1.1 client (``UpstreamHTTP1Client``), any other URL through the general `HTTPClient`; timeouts, and the
/// mapping of transport errors to ``ProviderFailure``.
public struct HTTPTransport: Sendable {
    public let client: HTTPClient
    private let lean: UpstreamHTTP1Client
    /// The largest upstream body read into memory.
    public var maximumResponseBytes: Int

    /// - Parameters:
    ///   - client: The general client, for URLs the lean one does not take; owned by the composition root.
    ///   - tls: How `https` upstreams are verified (the general client's own configuration verifies its calls). Nil:
    ///     the system's roots.
    ///   - maximumResponseBytes: The largest upstream body read whole.
    public init(client: HTTPClient, tls: TLSConfiguration? = nil, maximumResponseBytes: Int = 16 * 1024 * 1024) {
        self.client = client
        lean = UpstreamHTTP1Client(tls: tls ?? .makeClientConfiguration())
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// Closes the lean client's idle connections (the general client is shut down by its owner).
    public func closeIdleConnections() {
        lean.closeIdle()
    }

    /// Sends a request and reads the whole answer.
    /// - Parameters:
    ///   - url: The full URL.
    ///   - method: The HTTP method.
    ///   - headers: Request headers.
    ///   - body: The request body.
    ///   - timeout: The limit for the whole exchange.
    /// - Returns: Status, headers and body.
    /// - Throws: ``ProviderFailure`` of kind `timeout` or `transport`.
    public func send(
        url: String,
        method: HTTPMethod = .POST,
        headers: HTTPHeaders,
        body: ByteBuffer?,
        timeout: Duration
    ) async throws -> UpstreamResponse {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        do {
            if let target = lean.target(url) {
                return try await lean.send(
                    target, method: method, headers: headers, body: body, deadline: deadline,
                    maximumBytes: maximumResponseBytes)
            }
            let response = try await client.execute(
                makeRequest(url: url, method: method, headers: headers, body: body), deadline: deadline)
            let collected = try await response.body.collect(upTo: maximumResponseBytes)
            return UpstreamResponse(status: Int(response.status.code), headers: response.headers, body: collected)
        } catch {
            throw Self.classify(error)
        }
    }

    /// Sends a request and returns as soon as the response head arrives, leaving the body to stream.
    /// - Parameters:
    ///   - url: The full URL.
    ///   - headers: Request headers.
    ///   - body: The request body.
    ///   - timeout: The limit for the whole exchange, body included.
    /// - Returns: The response, whose body the caller iterates.
    /// - Throws: ``ProviderFailure`` of kind `timeout` or `transport`.
    public func open(
        url: String,
        headers: HTTPHeaders,
        body: ByteBuffer,
        timeout: Duration
    ) async throws -> UpstreamStream {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        do {
            if let target = lean.target(url) {
                return try await lean.open(target, method: .POST, headers: headers, body: body, deadline: deadline)
            }
            let response = try await client.execute(
                makeRequest(url: url, method: .POST, headers: headers, body: body), deadline: deadline)
            return UpstreamStream(
                status: Int(response.status.code), headers: response.headers, body: UpstreamBody(response.body))
        } catch {
            throw Self.classify(error)
        }
    }

    /// Reads the rest of an error response's body, bounded, for classification.
    /// - Parameter response: The response whose status was not 2xx.
    /// - Returns: Up to 64 KiB of its body.
    public func errorBody(of response: UpstreamStream) async -> ByteBuffer {
        (try? await response.body.collect(upTo: 64 * 1024)) ?? ByteBuffer()
    }

    private func makeRequest(
        url: String, method: HTTPMethod, headers: HTTPHeaders, body: ByteBuffer?
    )
        -> HTTPClientRequest
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(body) }
        return request
    }

    /// Maps an error from the HTTP stack to a failure kind.
    /// - Parameter error: Whatever the client threw.
    /// - Returns: The classified failure.
    public static func classify(_ error: any Error) -> ProviderFailure {
        if let failure = error as? ProviderFailure { return failure }
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return ProviderFailure(.timeout, detail: "\(clientError)")
            case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout:
                return ProviderFailure(.transport, detail: "\(clientError)")
            default:
                return ProviderFailure(.transport, detail: "\(clientError)")
            }
        }
        if let upstream = error as? UpstreamHTTPError {
            if case .deadlineExceeded = upstream { return ProviderFailure(.timeout, detail: "\(upstream)") }
            return ProviderFailure(.transport, detail: "\(upstream)")
        }
        if error is CancellationError {
            return ProviderFailure(.timeout, detail: "cancelled")
        }
        return ProviderFailure(.transport, detail: String(describing: error))
    }
}

extension TimeAmount {
    /// - Parameter duration: A Swift duration.
    public init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension HTTPHeaders {
    /// The first value of a header, by case-insensitive name.
    public func value(_ name: String) -> String? {
        self.first(name: name)
    }
}
