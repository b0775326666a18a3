import SwitchyardCore

/// The configuration file's `rate_limits` section: token buckets per calling service (by the token's `service`
/// claim; `*` for every service not named) and per end user (the request's `user`; one bucket each), counting
/// requests, LLM tokens (prompt and completion, charged once an answer's usage is known), or both.
///
/// ```json
/// "rate_limits": {
///   "services": { "*": { "requests_per_minute": 6000, "burst": 200 }, "backend": { "tokens_per_minute": 2000000 } },
///   "users": { "requests_per_minute": 20, "burst": 5, "tokens_per_minute": 40000 }
/// }
/// ```
struct RateLimitSection: Decodable {
    struct Entry: Decodable {
        var requestsPerMinute: Int?
        var burst: Int?
        var tokensPerMinute: Int?

        enum CodingKeys: String, CodingKey {
            case burst
            case requestsPerMinute = "requests_per_minute"
            case tokensPerMinute = "tokens_per_minute"
        }

        func limit(_ path: String) throws -> RateLimit {
            guard requestsPerMinute != nil || tokensPerMinute != nil else {
                throw SettingsError(
                    "`rate_limits.\(path)` needs `requests_per_minute`, `tokens_per_minute` or both.")
            }
            if let requestsPerMinute, !(1...10_000_000).contains(requestsPerMinute) {
                throw SettingsError(
                    "`rate_limits.\(path).requests_per_minute` must be 1 to 10000000; got \(requestsPerMinute).")
            }
            if let burst {
                guard requestsPerMinute != nil else {
                    throw SettingsError(
                        "`rate_limits.\(path).burst` is the requests allowed at once; set `requests_per_minute` "
                            + "with it (a token limit's burst is its minute's worth).")
                }
                guard (1...1_000_000).contains(burst) else {
                    throw SettingsError("`rate_limits.\(path).burst` must be 1 to 1000000; got \(burst).")
                }
            }
            if let tokensPerMinute, !(1...1_000_000_000).contains(tokensPerMinute) {
                throw SettingsError(
                    "`rate_limits.\(path).tokens_per_minute` must be 1 to 1000000000; got \(tokensPerMinute).")
            }
            return RateLimit(requestsPerMinute: requestsPerMinute, burst: burst, tokensPerMinute: tokensPerMinute)
        }
    }

    var services: [String: Entry]?
    var users: Entry?

    /// - Throws: ``SettingsError`` naming the entry whose numbers are out of range.
    func rules() throws -> RateLimitRules {
        var rules = RateLimitRules()
        for (name, entry) in services ?? [:] {
            let limit = try entry.limit("services.\(name)")
            if name == "*" { rules.defaultService = limit } else { rules.services[name] = limit }
        }
        rules.user = try users?.limit("users")
        return rules
    }
}
