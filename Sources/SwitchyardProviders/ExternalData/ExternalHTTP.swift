import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SwitchyardCore

/// The exchange every external-data source makes: one request, the whole answer, and the status classified as
/// ``ExternalDataError`` (429 and 5xx, timeouts and transport failures are retryable; other 4xx are refusals).
/// The API's own error text goes to logs only (it is in the error's detail), never to a user.
struct ExternalHTTP: Sendable {
    let transport: HTTPTransport
    /// Names the API in error details.
    let api: String

    func send(
        _ url: String, method: HTTPMethod = .GET, headers: HTTPHeaders = [:], body: ByteBuffer? = nil,
        timeout: Duration, errorText: (Data) -> String? = { _ in nil }
    ) async throws(ExternalDataError) -> Data {
        let response: UpstreamResponse
        do {
            response = try await transport.send(
                url: url, method: method, headers: headers, body: body, timeout: timeout)
        } catch {
            let failure = HTTPTransport.classify(error)
            throw .unavailable(detail: "\(api): \(failure.kind.rawValue)", retryAfterSeconds: nil)
        }
        let data = Data(buffer: response.body)
        switch response.status {
        case 200..<300:
            return data
        case 429:
            let wait = RetryAfter.parse(header: { response.headers.value($0) })
            throw .unavailable(
                detail: "\(api): 429 rate limited",
                retryAfterSeconds: wait.map { max(1, Int($0.components.seconds)) })
        case 500...:
            throw .unavailable(detail: "\(api): \(response.status)", retryAfterSeconds: nil)
        default:
            let text = errorText(data).map { String($0.prefix(200)) } ?? "no error text"
            throw .rejected(status: response.status, detail: "\(api): \(text)")
        }
    }
}

extension ContinuousClock.Instant {
    /// Whole milliseconds from this instant to now: a source's processing time.
    var millisecondsUntilNow: Int {
        let elapsed = ContinuousClock.now - self
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
