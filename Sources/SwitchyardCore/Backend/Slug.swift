import Foundation

/// URL-safe bot slugs: lower-case ASCII letters, digits and single hyphens, with a numeric suffix on collision.
public enum Slug {
    /// - Parameters:
    ///   - name: The bot's name.
    ///   - isTaken: Says whether a candidate is already used.
    /// - Returns: `mira`, or `mira-2`, `mira-3`… when taken.
    public static func make(from name: String, isTaken: (String) -> Bool) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en"))
        var slug = ""
        for scalar in folded.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        let base = slug.isEmpty ? "bot" : String(slug.prefix(60))
        guard isTaken(base) else { return base }
        var suffix = 2
        while isTaken("\(base)-\(suffix)") { suffix += 1 }
        return "\(base)-\(suffix)"
    }
}
