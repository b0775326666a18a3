import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `/console/prompts…`: templates with their versions, labels to move, a side-by-side diff of two versions, and a
/// preview rendered with sample values exactly as the model receives it.
struct ConsolePromptsController<Context: RemoteAddressRequestContext>: Sendable {
    let api: AdminPromptsController<Context>
    let prompts: any PromptRepository
    let renderer: ConsoleRenderer

    struct ListModel {
        struct Row {
            var name: String
            var latest: Int
            var labels: String
            var href: String
        }

        var chrome: ConsoleChrome
        var q: String
        var rows: [Row]
        var empty: Bool
        var form: FormState
    }

    struct VersionRow {
        var number: Int
        var format: String
        var created: String
        var labels: String
        var href: String
        var selectedA: Bool
        var selectedB: Bool
    }

    struct TemplateModel {
        var chrome: ConsoleChrome
        var name: String
        var base: String
        var versions: [VersionRow]
        var shown: Shown
        var versionForm: FormState
        var labelForm: FormState
        var previewForm: FormState
        var preview: String?
        var previewError: String?
    }

    struct Shown {
        var number: Int
        var format: String
        var output: String
        var body: String
        var variables: String
    }

    struct DiffModel {
        struct Row {
            var kind: String
            var leftNumber: String
            var left: String
            var rightNumber: String
            var right: String
        }

        var chrome: ConsoleChrome
        var name: String
        var base: String
        var a: Int
        var b: Int
        var rows: [Row]
        var identical: Bool
    }

    func register(on console: ConsoleRouter<Context>) {
        console.page("/prompts") { request in
            renderer.page("prompts", try await listModel(request, form: FormState(Self.newFields(nil))))
        }
        console.form("/prompts") { request, form in
            do {
                let version = try await api.create(try Self.input(form, named: true))
                return ConsoleLinks.after(
                    "/console/prompts/\(ConsoleFormat.path(version.templateName))", notice: "created")
            } catch let error as APIError where error.isFormProblem {
                var state = FormState(Self.newFields(form))
                state.place(Self.onTemplateField(error))
                var model = try await listModel(request, form: state)
                model.chrome.error = state.error
                return renderer.page("prompts", model, status: error.status)
            }
        }
        console.page("/prompts/{name}") { request in
            renderer.page("prompt", try await templateModel(request, versionForm: nil, labelForm: nil))
        }
        console.form("/prompts/{name}/versions") { request, form in
            let name = try request.parameter("name")
            do {
                let version = try await api.addVersion(name: name, try Self.input(form, named: false))
                return ConsoleLinks.after(
                    "/console/prompts/\(ConsoleFormat.path(name))?version=\(version.version)", notice: "version")
            } catch let error as APIError where error.isFormProblem {
                var state = FormState(Self.versionFields(form, current: nil))
                state.place(Self.onTemplateField(error))
                return renderer.page(
                    "prompt", try await templateModel(request, versionForm: state, labelForm: nil),
                    status: error.status)
            }
        }
        console.form("/prompts/{name}/labels") { request, form in
            let name = try request.parameter("name")
            do {
                var json = FormJSON()
                json.set("label", form.text("label") ?? "")
                try json.integer("version", form.text("version"))
                try await api.moveLabel(name: name, try json.decode(LabelInput.self))
                return ConsoleLinks.after("/console/prompts/\(ConsoleFormat.path(name))", notice: "label")
            } catch let error as APIError where error.status.code < 500 {
                var state = FormState(Self.labelFields(try await summary(name), form: form))
                state.place(error)
                return renderer.page(
                    "prompt", try await templateModel(request, versionForm: nil, labelForm: state),
                    status: error.status)
            }
        }
        console.page("/prompts/{name}/diff", diff)
    }

    private func listModel(_ request: ConsoleRequest<Context>, form: FormState) async throws -> ListModel {
        let q = request.query.text("q")?.lowercased() ?? ""
        let rows = try await prompts.templates().filter { q.isEmpty || $0.name.contains(q) }.map { template in
            ListModel.Row(
                name: template.name, latest: template.latestVersion,
                labels: template.labels.sorted { $0.key < $1.key }.map { "\($0.key) → v\($0.value)" }.joined(
                    separator: ", "), href: "/console/prompts/\(ConsoleFormat.path(template.name))")
        }
        return ListModel(
            chrome: ConsoleChrome(
                title: "Prompts", section: "prompts", session: request.session,
                notice: ConsoleNotice.text(request.query["notice"])), q: q, rows: rows, empty: rows.isEmpty,
            form: form)
    }

    private func summary(_ name: String) async throws -> PromptTemplateSummary {
        guard let summary = try await prompts.templates().first(where: { $0.name == name }) else {
            throw APIError.notFound("No template '\(name)'.")
        }
        return summary
    }

    private func versions(_ summary: PromptTemplateSummary) async throws -> [PromptVersion] {
        var versions: [PromptVersion] = []
        for number in (1...max(summary.latestVersion, 1)).reversed() {
            if let version = try await prompts.version(name: summary.name, number: number) { versions.append(version) }
        }
        return versions
    }

    private func templateModel(
        _ request: ConsoleRequest<Context>, versionForm: FormState?, labelForm: FormState?
    ) async throws -> TemplateModel {
        let name = try request.parameter("name")
        let summary = try await summary(name)
        let all = try await versions(summary)
        let wanted = Int(request.query["version"] ?? "") ?? summary.latestVersion
        guard let shown = all.first(where: { $0.version == wanted }) ?? all.first else {
            throw APIError.notFound("Template '\(name)' has no versions.")
        }
        let labels = Dictionary(grouping: summary.labels, by: \.value).mapValues { $0.map(\.key).sorted() }
        let base = "/console/prompts/\(ConsoleFormat.path(name))"
        let template = try? PromptTemplate(source: shown.body, format: shown.format, output: shown.output)
        let variables = template?.variables.map(\.rawValue).sorted() ?? []
        // The preview: sample values from the query (`value.<name>`), rendered by the admin API's own preview.
        var preview: String?
        var previewError: String?
        if request.query["preview"] == "1" {
            var json = FormJSON()
            json.set(shown.format == .yaml ? "yaml" : "template", shown.body)
            if let output = shown.output { json.set("output", output.rawValue) }
            var values: [String: Any] = [:]
            for variable in variables { values[variable] = request.query["value.\(variable)"] ?? "" }
            json.set("values", values)
            do {
                preview = try AdminPromptsController<Context>.render(try json.decode(PromptInput.self)).rendered
            } catch let error as APIError {
                previewError = error.message
            }
        }
        var previewForm = FormState(
            variables.map { .text("value.\($0)", $0, value: request.query["value.\($0)"]) })
        previewForm.error = previewError
        return TemplateModel(
            chrome: ConsoleChrome(
                title: "Prompt \(name)", section: "prompts", session: request.session,
                notice: ConsoleNotice.text(request.query["notice"]), error: versionForm?.error ?? labelForm?.error),
            name: name, base: base,
            versions: all.map { version in
                VersionRow(
                    number: version.version, format: version.format.rawValue,
                    created: ConsoleFormat.time(version.createdAt),
                    labels: (labels[version.version] ?? []).joined(separator: ", "),
                    href: "\(base)?version=\(version.version)", selectedA: version.version == max(shown.version - 1, 1),
                    selectedB: version.version == shown.version)
            },
            shown: Shown(
                number: shown.version, format: shown.format.rawValue, output: (template?.output ?? .text).rawValue,
                body: shown.body, variables: variables.isEmpty ? "none" : variables.joined(separator: ", ")),
            versionForm: versionForm ?? FormState(Self.versionFields(nil, current: shown)),
            labelForm: labelForm ?? FormState(Self.labelFields(summary, form: nil)),
            previewForm: previewForm, preview: preview, previewError: previewError)
    }

    @Sendable func diff(_ request: ConsoleRequest<Context>) async throws -> Response {
        let name = try request.parameter("name")
        let summary = try await summary(name)
        let a = Int(request.query["a"] ?? "") ?? max(summary.latestVersion - 1, 1)
        let b = Int(request.query["b"] ?? "") ?? summary.latestVersion
        guard let left = try await prompts.version(name: name, number: a) else {
            throw APIError.notFound("Template '\(name)' has no version \(a).")
        }
        guard let right = try await prompts.version(name: name, number: b) else {
            throw APIError.notFound("Template '\(name)' has no version \(b).")
        }
        let rows = LineDiff.rows(left.body, right.body).map { row in
            DiffModel.Row(
                kind: row.kind.rawValue, leftNumber: row.leftNumber.map(String.init) ?? "", left: row.left ?? "",
                rightNumber: row.rightNumber.map(String.init) ?? "", right: row.right ?? "")
        }
        return renderer.page(
            "prompt_diff",
            DiffModel(
                chrome: ConsoleChrome(
                    title: "Diff of \(name) v\(a) and v\(b)", section: "prompts", session: request.session),
                name: name, base: "/console/prompts/\(ConsoleFormat.path(name))", a: a, b: b, rows: rows,
                identical: rows.allSatisfy { $0.kind == "same" }))
    }

    /// The API names a YAML template's problem `yaml`; the console has one text area for both formats.
    static func onTemplateField(_ error: APIError) -> APIError {
        var error = error
        if error.param == "yaml" { error.param = "template" }
        return error
    }

    static func formatChoices() -> [(String, String)] {
        [("text", "Text with {{variables}}"), ("yaml", "YAML structured prompt")]
    }

    static func outputChoices() -> [(String, String)] {
        [("", "The format's default")] + PromptOutput.allCases.map { ($0.rawValue, $0.rawValue) }
    }

    static func newFields(_ form: ConsoleForm?) -> [FormField] {
        [
            .text(
                "name", "Name", value: form?["name"], hint: "Lower-case letters, digits, '.', '_' or '-'.",
                required: true)
        ] + versionFields(form, current: nil)
    }

    static func versionFields(_ form: ConsoleForm?, current: PromptVersion?) -> [FormField] {
        [
            .select(
                "format", "Format", value: form?["format"] ?? current?.format.rawValue ?? "text",
                choices: formatChoices()),
            .select(
                "output", "Sent to the model as", value: form?["output"] ?? current?.output?.rawValue ?? "",
                choices: outputChoices()),
            .textarea(
                "template", "Template", value: form?["template"] ?? current?.body, rows: 14,
                hint: "Variables such as {{bot_name}} and {{user_message}}; checked when saved."),
        ]
    }

    private static func labelFields(_ summary: PromptTemplateSummary, form: ConsoleForm?) -> [FormField] {
        [
            .text("label", "Label", value: form?["label"] ?? "production"),
            .select(
                "version", "Version", value: form?["version"] ?? String(summary.latestVersion),
                choices: (1...max(summary.latestVersion, 1)).reversed().map { (String($0), "v\($0)") }),
        ]
    }

    /// The admin API's input: the template text goes to `template` or `yaml` by the chosen format.
    static func input(_ form: ConsoleForm, named: Bool) throws -> PromptInput {
        var json = FormJSON()
        if named { json.text("name", form.text("name")) }
        let body = form["template"] ?? ""
        json.set(form["format"] == "yaml" ? "yaml" : "template", body)
        json.text("output", form.text("output"))
        return try json.decode(PromptInput.self)
    }
}
