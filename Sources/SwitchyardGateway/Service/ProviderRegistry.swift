import SwitchyardCore

/// The providers the gateway can call, and the ones it knows of but cannot (no key), with the reason.
public struct ProviderRegistry: Sendable {
    private let providers: [String: any ChatProvider]
    /// Known providers that are switched off, with a reason fit for an operator.
    public let unavailable: [String: String]
    /// Every provider id, usable or not.
    public let knownIDs: Set<String>

    /// - Parameters:
    ///   - providers: The usable providers.
    ///   - unavailable: Known but unusable providers, by id, with the reason.
    public init(providers: [any ChatProvider], unavailable: [String: String] = [:]) {
        self.providers = Dictionary(providers.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.unavailable = unavailable
        self.knownIDs = Set(self.providers.keys).union(unavailable.keys)
    }

    /// - Parameter id: A provider id.
    /// - Returns: The provider, if it is usable.
    public func provider(_ id: String) -> (any ChatProvider)? {
        providers[id]
    }

    /// Whether the id names a provider at all, usable or not.
    public func isKnown(_ id: String) -> Bool {
        knownIDs.contains(id)
    }

    /// The usable provider ids, sorted.
    public var availableIDs: [String] { providers.keys.sorted() }
}
