import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `/console/users…`: search by external id or name; a user's profile, wallets, ledger and sessions; a top-up and
/// refund form whose idempotency key is fixed when the form is drawn, so a double submit credits once.
struct ConsoleUsersController<Context: RemoteAddressRequestContext>: Sendable {
    let api: AdminWalletsController<Context>
    let directory: any AdminDirectory
    let wallets: any WalletRepository
    let bots: any BotRepository
    let renderer: ConsoleRenderer
    static var pageSize: Int { 25 }

    struct ListModel {
        struct Row {
            var externalID: String
            var name: String
            var href: String
        }

        var chrome: ConsoleChrome
        var q: String
        var rows: [Row]
        var empty: Bool
        var pager: Pager
    }

    struct UserModel {
        struct Item {
            var label: String
            var value: String
        }

        struct Wallet {
            var currency: String
            var balance: String
            var held: String
            var available: String
        }

        struct Entry {
            var sequence: Int64
            var kind: String
            var currency: String
            var amount: String
            var held: String
            var reason: String
            var created: String
            var turnID: String
        }

        var chrome: ConsoleChrome
        var externalID: String
        var profile: [Item]
        var wallets: [Wallet]
        var hasWallets: Bool
        var entries: [Entry]
        var hasEntries: Bool
        var entriesPager: Pager
        var sessions: [ConsoleSessionsController<Context>.Row]
        var hasSessions: Bool
        var creditAction: String
        var creditForm: FormState
    }

    func register(on console: ConsoleRouter<Context>) {
        console.page("/users") { request in
            let q = request.query.text("q") ?? ""
            let start = (request.page - 1) * Self.pageSize
            let users = try await directory.users(matching: q, offset: start, limit: Self.pageSize + 1)
            let rows = users.prefix(Self.pageSize).map {
                ListModel.Row(
                    externalID: $0.externalID, name: $0.name ?? "",
                    href: "/console/users/\(ConsoleFormat.path($0.externalID))")
            }
            return renderer.page(
                "users",
                ListModel(
                    chrome: ConsoleChrome(title: "Users", section: "users", session: request.session), q: q,
                    rows: Array(rows), empty: rows.isEmpty,
                    pager: Pager(page: request.page, hasMore: users.count > Self.pageSize) {
                        "/console/users?q=\(ConsoleFormat.query(q))&page=\($0)"
                    }))
        }
        console.page("/users/{external_id}") { request in
            renderer.page("user", try await userModel(request, creditForm: nil))
        }
        console.form("/users/{external_id}/credits") { request, form in
            let externalID = try request.parameter("external_id")
            guard try await directory.user(externalID: externalID) != nil else {
                throw APIError.notFound("No user '\(externalID)'.")
            }
            let kind: LedgerEntry.Kind = form["kind"] == "refund" ? .refund : .topup
            do {
                var json = FormJSON()
                try json.integer("amount", form.text("amount"))
                json.set("currency", form.text("currency") ?? "")
                json.set("idempotency_key", form.text("idempotency_key") ?? "")
                json.text("reason", form.text("reason"))
                json.text("turn_id", form.text("turn_id"))
                if json.object["amount"] == nil {
                    throw APIError.invalidRequest(
                        "`amount` is required: a whole number of minor units.", param: "amount")
                }
                let (_, _, replayed) = try await api.credit(
                    externalID: externalID, try json.decode(CreditInput.self), kind: kind)
                return ConsoleLinks.after(
                    "/console/users/\(ConsoleFormat.path(externalID))", notice: replayed ? "replayed" : "credited")
            } catch let error as APIError where error.isFormProblem {
                var state = FormState(Self.creditFields(form))
                state.place(error)
                return renderer.page("user", try await userModel(request, creditForm: state), status: error.status)
            }
        }
    }

    private func userModel(_ request: ConsoleRequest<Context>, creditForm: FormState?) async throws -> UserModel {
        let externalID = try request.parameter("external_id")
        guard let user = try await directory.user(externalID: externalID) else {
            throw APIError.notFound("No user '\(externalID)'.")
        }
        let profile: [(String, String?)] = [
            ("Name", user.name), ("Age", user.age.map(String.init)), ("Gender", user.gender),
            ("Time zone", user.timeZone), ("Language", user.language), ("Birth date", user.birthDate),
            ("Birth time", user.birthTime), ("Birth place", user.birthPlace), ("Location", user.location),
            ("Response length", user.responseLength?.rawValue),
        ]
        let page = request.page
        let entries = try await wallets.entries(
            userID: user.id, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize)
        let sessions = try await directory.sessions(userID: user.id, botID: nil, offset: 0, limit: 20)
        let base = "/console/users/\(ConsoleFormat.path(externalID))"
        let walletRows = try await wallets.wallets(userID: user.id).map {
            UserModel.Wallet(
                currency: $0.currency, balance: ConsoleFormat.money($0.balance, $0.currency),
                held: ConsoleFormat.money($0.held, $0.currency),
                available: ConsoleFormat.money($0.available, $0.currency))
        }
        let entryRows = entries.prefix(Self.pageSize).map {
            UserModel.Entry(
                sequence: $0.sequence, kind: $0.kind.rawValue, currency: $0.currency,
                amount: ConsoleFormat.money($0.amount, $0.currency),
                held: ConsoleFormat.money($0.heldDelta, $0.currency), reason: $0.reason ?? "",
                created: ConsoleFormat.time($0.createdAt), turnID: $0.turnID?.uuidString.lowercased() ?? "")
        }
        let sessionRows = try await ConsoleSessionsController<Context>.rows(
            sessions, bots: bots, users: [user.id: user.externalID])
        return UserModel(
            chrome: ConsoleChrome(
                title: "User \(externalID)", section: "users", session: request.session,
                notice: ConsoleNotice.text(request.query["notice"]), error: creditForm?.error),
            externalID: externalID,
            profile: profile.map { UserModel.Item(label: $0.0, value: $0.1 ?? "–") },
            wallets: walletRows, hasWallets: !walletRows.isEmpty, entries: Array(entryRows),
            hasEntries: !entryRows.isEmpty,
            entriesPager: Pager(page: page, hasMore: entries.count > Self.pageSize) { "\(base)?page=\($0)" },
            sessions: sessionRows, hasSessions: !sessionRows.isEmpty, creditAction: base + "/credits",
            creditForm: creditForm ?? FormState(Self.creditFields(nil)))
    }

    /// The credit form; a fresh idempotency key each time it is drawn anew, the submitted one when re-shown.
    static func creditFields(_ form: ConsoleForm?) -> [FormField] {
        var key = FormField.text(
            "idempotency_key", "Idempotency key", value: form?["idempotency_key"] ?? UUID().uuidString.lowercased(),
            hint: "Sending the same key again credits once.")
        key.isInput = true
        return [
            .select(
                "kind", "Kind", value: form?["kind"] ?? "topup",
                choices: [("topup", "Top-up"), ("refund", "Refund of a charged turn")]),
            .number("amount", "Amount (minor units)", value: form?["amount"], hint: "Paise for INR, cents for USD."),
            .text("currency", "Currency", value: form?["currency"] ?? "INR"),
            .text("reason", "Reason", value: form?["reason"]),
            .text("turn_id", "Turn (reply) id, for refunds", value: form?["turn_id"]),
            key,
        ]
    }
}
