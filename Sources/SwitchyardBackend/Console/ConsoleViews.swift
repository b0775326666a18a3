import Foundation
import HTTPTypes
import SwitchyardCore
import SwitchyardHTTP

/// What every page's layout shows: the title, which section is open, the session's CSRF token, a notice.
struct ConsoleChrome: Sendable {
    var title: String
    var section: String
    var csrf: String
    var notice: String?
    var error: String?
    var signedIn: Bool
    var nav: [NavItem]

    struct NavItem: Sendable {
        var href: String
        var label: String
        var current: Bool
    }

    static let sections: [(String, String)] = [
        ("dashboard", "Dashboard"), ("bots", "Bots"), ("prompts", "Prompts"), ("users", "Users"),
        ("sessions", "Sessions"),
    ]

    /// - Parameters:
    ///   - title: The page's title.
    ///   - section: The navigation entry to mark (`bots`, `users`…).
    ///   - session: The signed-in session, nil on the sign-in page.
    ///   - notice: A confirmation to show.
    ///   - error: A page-level error to show.
    init(title: String, section: String, session: ConsoleSession?, notice: String? = nil, error: String? = nil) {
        self.title = title
        self.section = section
        csrf = session?.csrfToken ?? ""
        signedIn = session != nil
        self.notice = notice
        self.error = error
        nav = Self.sections.map { NavItem(href: "/console/\($0.0)", label: $0.1, current: $0.0 == section) }
    }
}

/// One input of a form, with its label, current value and the error the API gave for it.
struct FormField: Sendable {
    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    var name: String
    var id: String
    var label: String
    var value: String
    var hint: String?
    var error: String?
    var required: Bool
    var isTextarea = false
    var isSelect = false
    var isNumber = false
    var isInput = true
    var rows = 4
    var step = "1"
    var options: [Option] = []

    /// A one-line text input.
    static func text(
        _ name: String, _ label: String, value: String?, hint: String? = nil, required: Bool = false
    )
        -> FormField
    {
        FormField(
            name: name, id: "f-" + name.replacingOccurrences(of: ".", with: "-"), label: label, value: value ?? "",
            hint: hint, required: required)
    }

    /// A number input; `step` "any" for decimals.
    static func number(
        _ name: String, _ label: String, value: String?, step: String = "1", hint: String? = nil
    )
        -> FormField
    {
        var field = text(name, label, value: value, hint: hint)
        field.isNumber = true
        field.step = step
        return field
    }

    /// A text area (JSON, templates).
    static func textarea(
        _ name: String, _ label: String, value: String?, rows: Int = 6, hint: String? = nil
    )
        -> FormField
    {
        var field = text(name, label, value: value, hint: hint)
        field.isTextarea = true
        field.isInput = false
        field.rows = rows
        return field
    }

    /// A select from `choices` (value, label); `value` is selected.
    static func select(
        _ name: String, _ label: String, value: String?, choices: [(String, String)], hint: String? = nil
    ) -> FormField {
        var field = text(name, label, value: value, hint: hint)
        field.isSelect = true
        field.isInput = false
        field.options = choices.map { Option(value: $0.0, label: $0.1, selected: $0.0 == (value ?? "")) }
        return field
    }
}

/// A form's fields with the API's error laid beside the field it names.
struct FormState: Sendable {
    var fields: [FormField]
    /// An error that names no field of the form.
    var error: String?

    init(_ fields: [FormField]) {
        self.fields = fields
    }

    /// Places `error` beside the field named by its `param` (`metadata.pricing` → `pricing.*` or `metadata`,
    /// `metadata.fallbacks[0].model` → `metadata`), or above the form when no field matches.
    mutating func place(_ error: APIError) {
        let param = error.param ?? ""
        var candidates = [param]
        if param.hasPrefix("metadata.") {
            let rest = String(param.dropFirst("metadata.".count))
            candidates.append(rest)
            // A pricing problem names its part in the message (`pricing.currency`).
            if rest == "pricing", let part = Self.quotedField(in: error.message) { candidates.insert(part, at: 0) }
        }
        var prefix = param
        while let cut = prefix.lastIndex(where: { $0 == "." || $0 == "[" }) {
            prefix = String(prefix[..<cut])
            candidates.append(prefix)
        }
        for candidate in candidates where !candidate.isEmpty {
            if let index = fields.firstIndex(where: { $0.name == candidate }) {
                fields[index].error = error.message
                return
            }
        }
        self.error = error.message
    }

    private static func quotedField(in message: String) -> String? {
        guard let start = message.firstIndex(of: "`") else { return nil }
        let rest = message[message.index(after: start)...]
        guard let end = rest.firstIndex(of: "`") else { return nil }
        return String(rest[..<end])
    }
}

extension APIError {
    /// Whether the form should be shown again with this error: a refusal of what was entered (4xx), not a missing
    /// page (404, shown as an error page) or a failure of the service.
    var isFormProblem: Bool { status.code < 500 && status != .notFound }
}

/// Pagination links for a list.
struct Pager: Sendable {
    var page: Int
    var previous: String?
    var next: String?

    /// - Parameters:
    ///   - page: The current page, from 1.
    ///   - hasMore: Whether a further page exists.
    ///   - link: The URL of a page.
    init(page: Int, hasMore: Bool, link: (Int) -> String) {
        self.page = page
        previous = page > 1 ? link(page - 1) : nil
        next = hasMore ? link(page + 1) : nil
    }
}

/// How the console prints values.
enum ConsoleFormat {
    static func time(_ date: Date?) -> String {
        guard let date else { return "" }
        return date.formatted(
            Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: .gmt)
                .year().month().day().time(includingFractionalSeconds: false)) + " UTC"
    }

    /// Currencies whose minor unit is the unit itself (ISO 4217 exponent 0).
    static let wholeUnitCurrencies: Set<String> = ["JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG"]

    /// Minor units as an amount: 12345 INR → "123.45 INR", 500 JPY → "500 JPY".
    static func money(_ amount: Int64, _ currency: String) -> String {
        if wholeUnitCurrencies.contains(currency) { return "\(amount) \(currency)" }
        let sign = amount < 0 ? "-" : ""
        let magnitude = amount.magnitude
        return "\(sign)\(magnitude / 100).\(String(format: "%02d", Int(magnitude % 100))) \(currency)"
    }

    /// Nano-dollars as dollars with six decimals.
    static func dollars(_ nanos: Int64) -> String {
        let micro = (nanos + 500) / 1000
        return "$\(micro / 1_000_000).\(String(format: "%06d", Int(micro % 1_000_000)))"
    }

    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "–" }
        return String(format: "%.1f %%", rate * 100)
    }

    /// A query string value.
    static func query(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A path segment.
    static func path(_ value: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
