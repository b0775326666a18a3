/// Where an upstream request goes, read from an `http://` or `https://` URL without Foundation: the connection's
/// scheme, host and port, the request target, and the `Host` header.
struct UpstreamURL: Sendable, Hashable {
    /// The pool a connection belongs to.
    struct Origin: Sendable, Hashable {
        var secure: Bool
        var host: String
        var port: Int
    }

    var origin: Origin
    /// The path and query, as sent on the request line.
    var target: String
    /// `host`, or `host:port` when the port is not the scheme's default.
    var hostHeader: String

    /// - Parameter url: An absolute URL.
    /// - Returns: nil for anything but a plain `http`/`https` URL with a host (user info, bad ports, other schemes):
    ///   such a URL goes through the general client instead.
    init?(_ url: String) {
        let secure: Bool
        var rest: Substring
        if url.utf8.count >= 8, url.prefix(8).lowercased() == "https://" {
            secure = true
            rest = url.dropFirst(8)
        } else if url.utf8.count >= 7, url.prefix(7).lowercased() == "http://" {
            secure = false
            rest = url.dropFirst(7)
        } else {
            return nil
        }
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        let host: Substring
        var portText: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty, host.allSatisfy({ !$0.isWhitespace && $0 != "%" }) else { return nil }
        let defaultPort = secure ? 443 : 80
        var port = defaultPort
        if let portText {
            guard !portText.isEmpty, portText.utf8.count <= 5, portText.allSatisfy(\.isASCII),
                let number = Int(portText), (1...65_535).contains(number)
            else { return nil }
            port = number
        }
        // Nothing on the request line may be a space or a control character.
        guard path.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return nil }
        origin = Origin(secure: secure, host: String(host), port: port)
        target = path.isEmpty ? "/" : path.first == "?" ? "/" + path : String(path)
        let hostPart = authority.first == "[" ? "[\(host)]" : String(host)
        hostHeader = port == defaultPort ? hostPart : "\(hostPart):\(port)"
    }
}
