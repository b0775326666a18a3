import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `/console/dashboard`: over a chosen window, success rate and latency percentiles over time, provider
/// distribution, fallback rate, error types, tokens and cost per bot and per provider, from the stored call records
/// (the usage API's figures). The page's panel reloads itself every 10 s where scripts run
/// (`/console/dashboard/panel`).
struct ConsoleDashboardController<Context: RemoteAddressRequestContext>: Sendable {
    let usage: any UsageRepository
    let bots: any BotRepository
    let renderer: ConsoleRenderer

    /// The windows offered, each with its bucket.
    enum Window: String, CaseIterable {
        case hour = "1h"
        case day = "24h"
        case week = "7d"
        case month = "30d"

        var seconds: Int {
            switch self {
            case .hour: 3600
            case .day: 86400
            case .week: 7 * 86400
            case .month: 30 * 86400
            }
        }

        var bucketSeconds: Int {
            switch self {
            case .hour: 300
            case .day: 3600
            case .week: 6 * 3600
            case .month: 86400
            }
        }

        var label: String {
            switch self {
            case .hour: "Last hour (5-minute buckets)"
            case .day: "Last 24 hours (hourly)"
            case .week: "Last 7 days (6-hourly)"
            case .month: "Last 30 days (daily)"
            }
        }
    }

    struct PageModel {
        var chrome: ConsoleChrome
        var windows: [FormField.Option]
        var refresh: String
        var panel: String
    }

    struct PanelModel {
        struct Figure {
            var label: String
            var value: String
        }

        struct Row {
            var key: String
            var turns: Int
            var attempts: Int
            var success: String
            var fallback: String
            var p95: String
            var promptTokens: Int
            var completionTokens: Int
            var cost: String
        }

        var updated: String
        var window: String
        var figures: [Figure]
        var successChart: String
        var latencyChart: String
        var providerChart: String
        var errorChart: String
        struct Table {
            var title: String
            var keyHeader: String
            var rows: [Row]
        }

        var tables: [Table]
        var hasData: Bool
    }

    func register(on console: ConsoleRouter<Context>) {
        console.page("/dashboard") { request in
            let window = Self.window(request)
            return renderer.page(
                "dashboard",
                PageModel(
                    chrome: ConsoleChrome(title: "Dashboard", section: "dashboard", session: request.session),
                    windows: Window.allCases.map {
                        FormField.Option(value: $0.rawValue, label: $0.label, selected: $0 == window)
                    }, refresh: "/console/dashboard/panel?window=\(window.rawValue)",
                    panel: renderer.render("dashboard_panel", try await panel(window, now: Date()))))
        }
        console.page("/dashboard/panel") { request in
            let html = renderer.render("dashboard_panel", try await panel(Self.window(request), now: Date()))
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }

    static func window(_ request: ConsoleRequest<Context>) -> Window {
        request.query["window"].flatMap(Window.init(rawValue:)) ?? .day
    }

    func panel(_ window: Window, now: Date) async throws -> PanelModel {
        // Buckets end at the next bucket boundary after now, so that the last one is the current one.
        let width = Double(window.bucketSeconds)
        let to = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / width).rounded(.down) * width + width)
        let from = to.addingTimeInterval(-Double(window.seconds))
        let records = try await usage.usageRecords(from: from, to: to)
        let series = UsageReport.timeSeries(records: records, from: from, to: to, bucketSeconds: window.bucketSeconds)
        let total =
            UsageReport.timeSeries(records: records, from: from, to: to, bucketSeconds: window.seconds).first
        var names: [UUID: String] = [:]
        for bot in try await bots.bots(status: nil) { names[bot.id] = bot.slug }
        let byProvider = UsageReport(records: records, grouping: .provider).groups
        let byBot = UsageReport(records: records, grouping: .bot, botNames: names).groups
        let labels = series.map { Self.label($0.key, window: window) }
        let errors = (total?.errors ?? [:]).sorted { $0.value > $1.value }
        let figures: [(String, String)] = [
            ("Turns", String(total?.turns ?? 0)), ("Attempts", String(total?.attempts ?? 0)),
            ("Success rate", ConsoleFormat.percent(total?.successRate)),
            ("Fallback rate", ConsoleFormat.percent(total?.fallbackRate)),
            ("p50 / p95 / p99", Self.latencies(total)),
            ("Tokens in / out", "\(total?.promptTokens ?? 0) / \(total?.completionTokens ?? 0)"),
            ("Cost", ConsoleFormat.dollars(total?.cost ?? 0)),
        ]
        return PanelModel(
            updated: ConsoleFormat.time(now), window: window.label,
            figures: figures.map { PanelModel.Figure(label: $0.0, value: $0.1) },
            successChart: SVGChart.line(
                id: "success-rate", title: "Success rate of attempts over time", labels: labels,
                series: [.init(name: "success rate", values: series.map { $0.successRate.map { $0 * 100 } })],
                maximum: 100, unit: "%"),
            latencyChart: SVGChart.line(
                id: "latency", title: "Attempt latency p50, p95 and p99 over time", labels: labels,
                series: [
                    .init(name: "p50", values: series.map { $0.latencyP50.map(Double.init) }),
                    .init(name: "p95", values: series.map { $0.latencyP95.map(Double.init) }),
                    .init(name: "p99", values: series.map { $0.latencyP99.map(Double.init) }),
                ], unit: " ms"),
            providerChart: SVGChart.bars(
                id: "providers", title: "Attempts by provider",
                items: byProvider.sorted { $0.attempts > $1.attempts }.map {
                    ($0.key, Double($0.attempts), "\($0.attempts)")
                }),
            errorChart: SVGChart.bars(
                id: "errors", title: "Failed attempts by error type",
                items: errors.map { ($0.key, Double($0.value), "\($0.value)") }),
            tables: [
                .init(title: "by bot", keyHeader: "Bot", rows: byBot.map(Self.row)),
                .init(title: "by provider", keyHeader: "Provider", rows: byProvider.map(Self.row)),
            ], hasData: (total?.attempts ?? 0) > 0)
    }

    static func row(_ group: UsageReport.Group) -> PanelModel.Row {
        PanelModel.Row(
            key: group.key, turns: group.turns, attempts: group.attempts,
            success: ConsoleFormat.percent(group.successRate), fallback: ConsoleFormat.percent(group.fallbackRate),
            p95: group.latencyP95.map { "\($0) ms" } ?? "–", promptTokens: group.promptTokens,
            completionTokens: group.completionTokens,
            cost: ConsoleFormat.dollars(group.cost) + (group.unpricedAttempts > 0 ? " (+ unpriced)" : ""))
    }

    static func latencies(_ group: UsageReport.Group?) -> String {
        guard let group, let p50 = group.latencyP50 else { return "–" }
        return "\(p50) / \(group.latencyP95 ?? p50) / \(group.latencyP99 ?? p50) ms"
    }

    /// An axis label from a bucket's ISO start: the time for short windows, the date for long ones.
    static func label(_ key: String, window: Window) -> String {
        let parts = key.split(separator: "T")
        guard parts.count == 2 else { return key }
        let time = String(parts[1].prefix(5))
        switch window {
        case .hour, .day: return time
        case .week: return "\(parts[0].suffix(5)) \(time)"
        case .month: return String(parts[0].suffix(5))
        }
    }
}
