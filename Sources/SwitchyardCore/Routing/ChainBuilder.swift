/// Builds the ordered chain of targets for one request.
///
/// Rules, in order:
/// 1. The primary comes first.
/// 2. Then the request's own fallbacks if it gave any, else the routing table's default fallbacks for the primary.
/// 3. Then the universal fallback.
/// 4. Every target without its own system instruction or region inherits the request's.
/// 5. A target equal (provider, model, region) to an earlier one is dropped.
public enum ChainBuilder {
    /// - Parameters:
    ///   - primary: The primary target.
    ///   - explicitFallbacks: Fallbacks named by the request; nil means "use the defaults".
    ///   - table: The routing table.
    ///   - systemInstruction: The request's system instruction.
    ///   - regionName: The request's region.
    /// - Returns: The chain to walk.
    public static func chain(
        primary: Target,
        explicitFallbacks: [Target]?,
        table: RoutingTable,
        systemInstruction: String?,
        regionName: String?
    ) -> [Target] {
        let fallbacks = explicitFallbacks ?? table.defaultFallbacks(for: primary)
        var candidates = [primary] + fallbacks
        if let universal = table.universalFallback {
            candidates.append(universal)
        }
        // Chains are a handful of targets: a scan finds a repeat sooner than a set of keys is hashed.
        var chain: [Target] = []
        chain.reserveCapacity(candidates.count)
        for var target in candidates {
            if target.systemInstruction == nil { target.systemInstruction = systemInstruction }
            if target.regionName == nil { target.regionName = regionName }
            let key = target.key
            if !chain.contains(where: { $0.key == key }) {
                chain.append(target)
            }
        }
        return chain
    }

    /// The chain of a named route, with the universal fallback appended and inheritance applied.
    /// - Parameters:
    ///   - route: The route.
    ///   - table: The routing table (for the universal fallback).
    ///   - systemInstruction: The request's system instruction.
    ///   - regionName: The request's region.
    /// - Returns: The chain to walk.
    public static func chain(
        route: RoutingTable.Route,
        table: RoutingTable,
        systemInstruction: String?,
        regionName: String?
    ) -> [Target] {
        guard let primary = route.targets.first else { return [] }
        return chain(
            primary: primary,
            explicitFallbacks: Array(route.targets.dropFirst()),
            table: table,
            systemInstruction: systemInstruction,
            regionName: regionName
        )
    }
}
