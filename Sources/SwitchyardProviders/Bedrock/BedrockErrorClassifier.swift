import Foundation
import SwitchyardCore

/// Classifies Bedrock exceptions, from the `x-amzn-ErrorType` header or an event-stream exception frame.
enum BedrockErrorClassifier {
    /// - Parameters:
    ///   - exceptionType: `x-amzn-ErrorType` (`ThrottlingException:http://…`) or `:exception-type`.
    ///   - status: The HTTP status, if any.
    ///   - payload: The `{"message":…}` body.
    static func classify(exceptionType: String, status: Int?, payload: [UInt8]) -> ProviderFailure {
        let name = normalize(exceptionType)
        let message =
            (try? JSONDecoder().decode(JSONValue.self, from: Data(payload)))?["message"]?.string
            ?? (try? JSONDecoder().decode(JSONValue.self, from: Data(payload)))?["Message"]?.string ?? ""
        let kind = kind(name: name, status: status, message: message)
        return ProviderFailure(kind, status: status, detail: "\(name.isEmpty ? "-" : name) \(message)")
    }

    /// botocore keeps the part before `:` and after `#`, and event streams use lower camel case.
    static func normalize(_ raw: String) -> String {
        var name = raw.split(separator: ":").first.map(String.init) ?? raw
        if let hash = name.lastIndex(of: "#") { name = String(name[name.index(after: hash)...]) }
        guard let first = name.first else { return name }
        return first.uppercased() + name.dropFirst()
    }

    private static func kind(name: String, status: Int?, message: String) -> ProviderFailure.Kind {
        switch name {
        case "ThrottlingException", "ModelNotReadyException", "TooManyRequestsException": return .rateLimited
        case "ServiceUnavailableException": return .overloaded
        case "InternalServerException", "ModelStreamErrorException", "ModelErrorException": return .upstream5xx
        case "ModelTimeoutException": return .timeout
        case "ResourceNotFoundException": return .notFound
        case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
            "ExpiredTokenException", "IncompleteSignatureException", "ServiceQuotaExceededException":
            return .auth
        case "ValidationException":
            let lower = message.lowercased()
            if lower.contains("too long") || lower.contains("too many tokens") || lower.contains("context") {
                return .contextTooLong
            }
            return .invalidRequest
        default:
            switch status {
            case 400?: return .invalidRequest
            case 401?, 403?: return .auth
            case 404?: return .notFound
            case 408?: return .timeout
            case 429?: return .rateLimited
            case 503?: return .overloaded
            default: return .upstream5xx
            }
        }
    }
}
