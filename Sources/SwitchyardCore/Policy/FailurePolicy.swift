/// What the gateway does after a failed attempt.
public enum FailureDecision: Sendable, Equatable {
    /// Try the same target again (if it has retries left), honouring `Retry-After`.
    case retrySameTarget
    /// Give up on this target and move to the next one in the chain.
    case nextTarget
    /// Stop at once: walking the chain cannot help, because the request itself is at fault.
    case failFast
}

/// The one table that turns a failure kind into a decision. Nothing else inspects failures to decide.
///
/// | kind | decision | counts toward cooldown |
/// |---|---|---|
/// | rate_limited, overloaded, timeout, upstream_5xx, transport | retry same target | yes |
/// | context_too_long, content_filtered, not_found, empty_response | next target | not_found only |
/// | auth | next target | yes, immediately |
/// | invalid_request | fail fast | no |
public enum FailurePolicy {
    /// - Parameter kind: The failure's class.
    /// - Returns: What to do next.
    public static func decision(for kind: ProviderFailure.Kind) -> FailureDecision {
        switch kind {
        case .rateLimited, .overloaded, .timeout, .upstream5xx, .transport: .retrySameTarget
        case .contextTooLong, .contentFiltered, .notFound, .auth, .emptyResponse: .nextTarget
        case .invalidRequest: .failFast
        }
    }

    /// How a failure of this kind weighs on the target's health.
    public enum Health: Sendable, Equatable {
        /// Not the target's fault (the request or content was at fault).
        case neutral
        /// A transient failure, counted toward the failure rate.
        case transient
        /// The target cannot serve at all (bad key, unknown model): cool it down at once.
        case broken
    }

    /// - Parameter kind: The failure's class.
    /// - Returns: How it counts for cooldown.
    public static func health(for kind: ProviderFailure.Kind) -> Health {
        switch kind {
        case .rateLimited, .overloaded, .timeout, .upstream5xx, .transport: .transient
        case .auth, .notFound: .broken
        case .contextTooLong, .contentFiltered, .invalidRequest, .emptyResponse: .neutral
        }
    }
}
