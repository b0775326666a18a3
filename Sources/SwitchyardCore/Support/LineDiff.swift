/// A side-by-side line diff of two texts (two versions of a prompt template), from their longest common
/// subsequence of lines. Pure.
public enum LineDiff {
    /// One row of the side-by-side view.
    public struct Row: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable {
            /// The same line on both sides.
            case same
            /// A line of the left replaced by one of the right.
            case changed
            /// Only on the left.
            case removed
            /// Only on the right.
            case added
        }

        public var kind: Kind
        /// 1-based line numbers; nil on the side that has no line in this row.
        public var leftNumber: Int?
        public var left: String?
        public var rightNumber: Int?
        public var right: String?
    }

    /// Texts longer than this many lines on either side are compared as one changed block (the table is quadratic).
    public static let maximumLines = 3000

    /// - Parameters:
    ///   - left: The older text.
    ///   - right: The newer text.
    /// - Returns: The rows, top to bottom; a run of removed lines followed by added ones is paired into changed rows.
    public static func rows(_ left: String, _ right: String) -> [Row] {
        let a = lines(left)
        let b = lines(right)
        var operations: [(Character, Int, Int)] = []  // "=", "-", "+" with the indexes in a and b
        if a.count <= maximumLines, b.count <= maximumLines {
            operations = script(a, b)
        } else {
            operations = a.indices.map { ("-", $0, 0) } + b.indices.map { ("+", 0, $0) }
        }
        var rows: [Row] = []
        var removed: [Int] = []
        var added: [Int] = []
        func flush() {
            for index in 0..<max(removed.count, added.count) {
                let l = index < removed.count ? removed[index] : nil
                let r = index < added.count ? added[index] : nil
                let kind: Row.Kind = l != nil && r != nil ? .changed : l != nil ? .removed : .added
                rows.append(
                    Row(
                        kind: kind, leftNumber: l.map { $0 + 1 }, left: l.map { a[$0] }, rightNumber: r.map { $0 + 1 },
                        right: r.map { b[$0] }))
            }
            removed.removeAll()
            added.removeAll()
        }
        for (operation, i, j) in operations {
            switch operation {
            case "-": removed.append(i)
            case "+": added.append(j)
            default:
                flush()
                rows.append(Row(kind: .same, leftNumber: i + 1, left: a[i], rightNumber: j + 1, right: b[j]))
            }
        }
        flush()
        return rows
    }

    private static func lines(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The edit script from the LCS table: equal lines, deletions from `a`, insertions from `b`, in order.
    private static func script(_ a: [String], _ b: [String]) -> [(Character, Int, Int)] {
        let width = b.count + 1
        // lcs[i * width + j]: the LCS length of a[i...] and b[j...].
        var lcs = [Int32](repeating: 0, count: (a.count + 1) * width)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i * width + j] =
                    a[i] == b[j]
                    ? lcs[(i + 1) * width + j + 1] + 1 : max(lcs[(i + 1) * width + j], lcs[i * width + j + 1])
            }
        }
        var operations: [(Character, Int, Int)] = []
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                operations.append(("=", i, j))
                i += 1
                j += 1
            } else if lcs[(i + 1) * width + j] >= lcs[i * width + j + 1] {
                operations.append(("-", i, j))
                i += 1
            } else {
                operations.append(("+", i, j))
                j += 1
            }
        }
        while i < a.count {
            operations.append(("-", i, j))
            i += 1
        }
        while j < b.count {
            operations.append(("+", i, j))
            j += 1
        }
        return operations
    }
}
