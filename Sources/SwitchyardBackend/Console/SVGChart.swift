import Foundation

/// Charts drawn on the server as inline SVG: no script, readable without one, with a text title for screen
/// readers. Every text placed in the markup is escaped here.
enum SVGChart {
    struct Series {
        var name: String
        /// One value per bucket; nil where there is nothing to show (a gap in the line).
        var values: [Double?]
    }

    static let width = 640.0
    static let height = 220.0
    static let left = 52.0
    static let right = 12.0
    static let top = 12.0
    static let bottom = 28.0

    /// A line chart over buckets.
    /// - Parameters:
    ///   - id: The chart's name (`data-chart`).
    ///   - title: What it shows, for its title and label.
    ///   - labels: One x-axis label per bucket (the first, middle and last are drawn).
    ///   - series: Up to three lines.
    ///   - maximum: The top of the y axis; nil for the data's rounded-up maximum.
    ///   - unit: Appended to the y-axis ticks (`%`, ` ms`).
    static func line(
        id: String, title: String, labels: [String], series: [Series], maximum: Double? = nil, unit: String
    ) -> String {
        let count = max(labels.count, 1)
        let top = maximum ?? niceCeiling(series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0)
        let plotWidth = width - left - right
        let plotHeight = height - self.top - bottom
        func x(_ index: Int) -> Double {
            left + (count == 1 ? plotWidth / 2 : plotWidth * Double(index) / Double(count - 1))
        }
        func y(_ value: Double) -> Double { self.top + plotHeight * (1 - min(value, top) / top) }
        var svg = open(id: id, title: title)
        for step in 0...4 {
            let value = top * Double(step) / 4
            svg +=
                #"<line class="grid" x1="\#(f(left))" x2="\#(f(width - right))" y1="\#(f(y(value)))" y2="\#(f(y(value)))"/>"#
            svg +=
                #"<text class="tick" x="\#(f(left - 6))" y="\#(f(y(value) + 4))" text-anchor="end">\#(escape(tick(value) + unit))</text>"#
        }
        for index in Set([0, count / 2, count - 1]).sorted() where index < labels.count {
            let anchor = index == 0 ? "start" : index == count - 1 ? "end" : "middle"
            svg +=
                #"<text class="tick" x="\#(f(x(index)))" y="\#(f(height - 8))" text-anchor="\#(anchor)">\#(escape(labels[index]))</text>"#
        }
        for (number, line) in series.enumerated() {
            var runs: [[String]] = [[]]
            for (index, value) in line.values.enumerated() {
                if let value {
                    runs[runs.count - 1].append("\(f(x(index))),\(f(y(value)))")
                } else if !runs[runs.count - 1].isEmpty {
                    runs.append([])
                }
            }
            svg += #"<g class="series s\#(number + 1)" data-series="\#(escape(line.name))">"#
            for run in runs where !run.isEmpty {
                if run.count == 1 {
                    let point = run[0].split(separator: ",")
                    svg += #"<circle r="3" cx="\#(point[0])" cy="\#(point[1])"/>"#
                } else {
                    svg += #"<polyline points="\#(run.joined(separator: " "))"/>"#
                }
            }
            svg += "</g>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, one per item, longest first as given.
    static func bars(id: String, title: String, items: [(label: String, value: Double, text: String)]) -> String {
        let rowHeight = 24.0
        let chartHeight = max(rowHeight * Double(items.count) + 8, 32)
        let labelWidth = 170.0
        let valueWidth = 90.0
        let largest = items.map(\.value).max() ?? 0
        var svg = open(id: id, title: title, height: chartHeight)
        if items.isEmpty {
            svg += #"<text class="tick" x="8" y="20">No data in this window.</text>"#
        }
        for (index, item) in items.enumerated() {
            let y = 4 + rowHeight * Double(index)
            let length = largest > 0 ? (width - labelWidth - valueWidth) * item.value / largest : 0
            svg +=
                #"<text class="label" x="\#(f(labelWidth - 8))" y="\#(f(y + 16))" text-anchor="end">\#(escape(item.label))</text>"#
            svg +=
                #"<rect class="bar" x="\#(f(labelWidth))" y="\#(f(y + 3))" width="\#(f(max(length, 1)))" height="\#(f(rowHeight - 8))"/>"#
            svg +=
                #"<text class="tick" x="\#(f(labelWidth + length + 6))" y="\#(f(y + 16))">\#(escape(item.text))</text>"#
        }
        return svg + "</svg>"
    }

    private static func open(id: String, title: String, height: Double = height) -> String {
        #"<svg class="chart" data-chart="\#(escape(id))" role="img" aria-label="\#(escape(title))" viewBox="0 0 \#(f(width)) \#(f(height))" xmlns="http://www.w3.org/2000/svg"><title>\#(escape(title))</title>"#
    }

    /// The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (1 for nothing).
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2, 2.5, 5, 10] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }

    private static func tick(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Escapes text for SVG (XML) content and attributes.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
