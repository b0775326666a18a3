import Foundation

extension Data {
    /// Decodes base64url (RFC 4648 §5) with or without padding, as JWT segments use it.
    /// - Parameter text: The encoded text.
    public init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }

    /// Encodes as base64url (RFC 4648 §5) without padding.
    public func base64URLEncodedString() -> String {
        var text = base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
