import SwitchyardCore

/// The configuration file's `rate_limits` section: token buckets per calling service (by the token's `service`
/// claim; `*` for every service not named) and per end user (the request's `user`; one bucket each).
///
/// ```json
/// "rate_limits": {
///   "services": { "*": { "requests_per_minute": 6000, "burst": 200 }, "backend": { "requests_per_minute": 60000 } },
///   "users": { "requests_per_minute": 20, "burst": 5 }
/// }
/// ```
struct RateLimitSection: Decodable {
    struct Entry: Decodable {
        var requestsPerMinute: Int
        var burst: Int?

        enum CodingKeys: String, CodingKey {
            case burst
            case requestsPerMinute = "requests_per_minute"
        }

        func limit(_ path: String) throws -> RateLimit {
            guard (1...10_000_000).contains(requestsPerMinute) else {
                throw SettingsError(
                    "`rate_limits.\(path).requests_per_minute` must be 1 to 10000000; got \(requestsPerMinute).")
            }
            if let burst, !(1...1_000_000).contains(burst) {
                throw SettingsError("`rate_limits.\(path).burst` must be 1 to 1000000; got \(burst).")
            }
            return RateLimit(requestsPerMinute: requestsPerMinute, burst: burst)
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
