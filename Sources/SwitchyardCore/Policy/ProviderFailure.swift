import Foundation

/// A classified provider failure. `kind` alone decides what the gateway does next (see ``FailurePolicy``).
///
/// `message` is safe to show a client; `detail` is for logs only and may hold the upstream's own words, never a
/// credential.
public struct ProviderFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The closed failure taxonomy of DESIGN.md §3.
    public enum Kind: String, Sendable, Equatable, CaseIterable, Codable {
        case rateLimited = "rate_limited"
        case overloaded
        case timeout
        case upstream5xx = "upstream_5xx"
        case transport
        case contextTooLong = "context_too_long"
        case contentFiltered = "content_filtered"
        case auth
        case invalidRequest = "invalid_request"
        case notFound = "not_found"
        /// The answer held no text (empty or whitespace only) where the caller requires some.
        case emptyResponse = "empty_response"
    }

    public var kind: Kind
    /// The upstream HTTP status, when there was one.
    public var status: Int?
    /// How long the upstream asked us to wait, from `Retry-After` or an equivalent body field.
    public var retryAfter: Duration?
    /// A short message that is safe to show a client.
    public var message: String
    /// Log-only detail (the upstream's error code and text, truncated).
    public var detail: String

    /// - Parameters:
    ///   - kind: The class of the failure.
    ///   - status: The upstream HTTP status, if any.
    ///   - retryAfter: The wait the upstream asked for, if any.
    ///   - message: Client-safe text; defaults to a generic sentence for the kind.
    ///   - detail: Log-only detail.
    public init(
        _ kind: Kind,
        status: Int? = nil,
        retryAfter: Duration? = nil,
        message: String? = nil,
        detail: String = ""
    ) {
        self.kind = kind
        self.status = status
        self.retryAfter = retryAfter
        self.message = message ?? kind.defaultMessage
        self.detail = Self.redactingKeys(String(detail.prefix(500)))
    }

    /// Masks anything shaped like a provider key (`sk-…`, `gsk_…`, `AKIA…`) that an upstream echoed back, so that
    /// not even a fragment of a credential reaches the logs.
    static func redactingKeys(_ text: String) -> String {
        guard text.contains("sk-") || text.contains("sk_") || text.contains("AKIA") || text.contains("AIza") else {
            return text
        }
        return text.replacingOccurrences(
            of: #"(sk-[A-Za-z0-9_\-\*\.]+|gsk_[A-Za-z0-9]+|AKIA[A-Z0-9]{4,}|AIza[A-Za-z0-9_\-]+)"#, with: "<redacted>",
            options: .regularExpression)
    }

    /// How a stream ends when its caller left (the client went away, or dropped the stream): not the provider's
    /// failure, so it does not count toward the target's cooldown.
    public static let callerLeft = ProviderFailure(
        .transport, message: "The request was cancelled by its caller.", detail: "the caller left")

    public var description: String {
        "ProviderFailure(\(kind.rawValue), status: \(status.map(String.init) ?? "-"), \(detail))"
    }
}

extension ProviderFailure.Kind {
    /// A client-safe sentence for the kind.
    public var defaultMessage: String {
        switch self {
        case .rateLimited: "The model provider is rate limiting requests."
        case .overloaded: "The model provider is overloaded."
        case .timeout: "The model provider did not answer in time."
        case .upstream5xx: "The model provider had an internal error."
        case .transport: "The model provider could not be reached."
        case .contextTooLong: "The conversation is longer than the model's context window."
        case .contentFiltered: "The model provider's safety filter blocked this content."
        case .auth: "The gateway's credentials for this model provider were refused."
        case .invalidRequest: "The model provider rejected the request as invalid."
        case .notFound: "The model provider does not know this model."
        case .emptyResponse: "The model answered with no text."
        }
    }
}
