import Foundation

/// Assigns a new session to one of a bot's weighted configs, by a stable hash of the session id, so that the same
/// session always lands on the same variant and the split follows the weights.
public enum VariantAssignment {
    /// - Parameters:
    ///   - variants: Config ids with weights; those with weight zero or less never win.
    ///   - sessionID: The new session's id.
    /// - Returns: The chosen config, or nil when no variant has a positive weight.
    public static func pick(_ variants: [(id: UUID, weight: Int)], sessionID: UUID) -> UUID? {
        let weighted = variants.filter { $0.weight > 0 }.sorted { $0.id.uuidString < $1.id.uuidString }
        let total = weighted.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return nil }
        var point = Int(hash(sessionID) % UInt64(total))
        for variant in weighted {
            if point < variant.weight { return variant.id }
            point -= variant.weight
        }
        return weighted.last?.id
    }

    /// FNV-1a over the UUID's bytes: stable across processes and platforms (unlike `Hasher`).
    static func hash(_ id: UUID) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        withUnsafeBytes(of: id.uuid) { bytes in
            for byte in bytes {
                value ^= UInt64(byte)
                value = value &* 0x100_0000_01b3
            }
        }
        return value
    }
}
