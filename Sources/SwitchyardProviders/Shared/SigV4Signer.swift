import Crypto
import Foundation
import SwitchyardCore

/// AWS credentials for SigV4.
public struct AWSCredentials: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: Secret
    public var sessionToken: Secret?

    /// - Parameters:
    ///   - accessKeyID: `AWS_ACCESS_KEY_ID`.
    ///   - secretAccessKey: `AWS_SECRET_ACCESS_KEY`.
    ///   - sessionToken: `AWS_SESSION_TOKEN`, for temporary credentials.
    public init(accessKeyID: String, secretAccessKey: Secret, sessionToken: Secret? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// AWS Signature Version 4, as botocore's `SigV4Auth` computes it (shared/providers.md §5).
///
/// Pure: the caller passes the time. Paths are given as sent on the wire (already percent-encoded once); the
/// canonical URI encodes each segment again, as every service but S3 requires.
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    /// The parts of a signature, for tests and debugging.
    public struct Signature: Sendable, Equatable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        public var signedHeaders: String
        /// Headers to add to the request: `Authorization`, `X-Amz-Date`, and `X-Amz-Security-Token` if any.
        public var headers: [(String, String)]

        public static func == (lhs: Signature, rhs: Signature) -> Bool {
            lhs.canonicalRequest == rhs.canonicalRequest && lhs.signature == rhs.signature
                && lhs.stringToSign == rhs.stringToSign
        }
    }

    /// - Parameters:
    ///   - credentials: The keys.
    ///   - region: The region (`us-east-1`).
    ///   - service: The signing name (`bedrock`).
    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - host: The `Host` header value.
    ///   - path: The path as sent on the wire.
    ///   - query: The query string (without `?`), if any.
    ///   - headers: Other headers to sign (name, value).
    ///   - body: The exact body bytes.
    ///   - date: The signing time.
    /// - Returns: The signature and the headers to add.
    public func sign(
        method: String, host: String, path: String, query: String = "", headers: [(String, String)],
        body: some DataProtocol, date: Date
    ) -> Signature {
        let amzDate = Self.amzDate(date)
        let dateStamp = String(amzDate.prefix(8))
        var toSign: [(String, String)] = headers.map { ($0.0.lowercased(), Self.trim($0.1)) }
        toSign.append(("host", host))
        toSign.append(("x-amz-date", amzDate))
        if let token = credentials.sessionToken { toSign.append(("x-amz-security-token", token.value)) }
        toSign.sort { $0.0 < $1.0 }
        let signedHeaders = toSign.map(\.0).joined(separator: ";")
        let canonicalHeaders = toSign.map { "\($0.0):\($0.1)\n" }.joined()
        let canonicalRequest = [
            method, canonicalURI(path), canonicalQuery(query), canonicalHeaders, signedHeaders,
            Self.hex(SHA256.hash(data: Array(body))),
        ].joined(separator: "\n")
        let scope = "\(dateStamp)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let signature = Self.hex(
            HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(dateStamp)))
        var added = [
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), "
                    + "Signature=\(signature)"
            ),
            ("X-Amz-Date", amzDate),
        ]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token.value)) }
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            signedHeaders: signedHeaders, headers: added)
    }

    private func signingKey(_ dateStamp: String) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key)))
        }
        let secret = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey.value).utf8))
        return hmac(hmac(hmac(hmac(secret, dateStamp), region), service), "aws4_request")
    }

    private func canonicalURI(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).addingPathPercentEncoding() }.joined(separator: "/")
    }

    private func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        return query.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            return (key.addingPathPercentEncoding(), value.addingPathPercentEncoding())
        }.sorted { $0 < $1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func amzDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    static func trim(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
