/// A parsed Prometheus exposition: each sample by metric name and label set, so that tests compare exact values
/// whatever order the labels were written in.
struct PrometheusText {
    struct Key: Hashable {
        var name: String
        var labels: [String: String]
    }

    private(set) var samples: [Key: Double] = [:]
    let text: String

    init(_ text: String) {
        self.text = text
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let series = line[..<space]
            var labels: [String: String] = [:]
            var name = String(series)
            if let open = series.firstIndex(of: "{"), series.last == "}" {
                name = String(series[..<open])
                let body = series[series.index(after: open)..<series.index(before: series.endIndex)]
                for pair in body.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
            }
            samples[Key(name: name, labels: labels)] = value
        }
    }

    /// The sample's value; nil when the series does not exist.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples[Key(name: name, labels: labels)]
    }

    /// The sum of every series of `name` whose labels include `labels`.
    func total(_ name: String, matching labels: [String: String] = [:]) -> Double {
        samples.filter { key, _ in
            key.name == name && labels.allSatisfy { key.labels[$0.key] == $0.value }
        }.values.reduce(0, +)
    }
}
