import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `/admin/v1/prompts…` and `/admin/v1/variables`. Templates are validated when saved: a syntax error or an
/// unknown variable is a 4xx then, never a failure at chat time.
struct AdminPromptsController<Context: RequestContext>: Sendable {
    let prompts: any PromptRepository
    let limit: Int

    struct VariableDTO: Encodable {
        var name: String
        var category: String
        var description: String
    }

    struct RenderOutput: Encodable {
        /// Exactly what the model receives.
        var rendered: String
        var output: PromptOutput
        var variables: [String]
    }

    func register(on group: RouteRegistrar<RouterGroup<Context>>) {
        group.post("/admin/v1/prompts", use: create)
        group.get("/admin/v1/prompts") { _, _ in try JSONCoding.response(try await prompts.templates()) }
        group.post("/admin/v1/prompts/render", use: render)
        group.post("/admin/v1/prompts/{name}/versions", use: addVersion)
        group.post("/admin/v1/prompts/{name}/labels", use: moveLabel)
        group.get("/admin/v1/variables") { _, _ in
            try JSONCoding.response(
                PromptVariable.allCases.map {
                    VariableDTO(name: $0.rawValue, category: $0.category.rawValue, description: $0.summary)
                })
        }
    }

    /// The source and format of a body holding `template` or `yaml` (and `output`), validated.
    static func source(_ input: PromptInput) throws -> (String, PromptVersion.Format, PromptTemplate) {
        let source: (String, PromptVersion.Format)
        switch (input.template, input.yaml) {
        case (let text?, nil): source = (text, .text)
        case (nil, let yaml?): source = (yaml, .yaml)
        default: throw APIError.invalidRequest("Send exactly one of `template` and `yaml`.", param: "template")
        }
        do {
            return (source.0, source.1, try PromptTemplate(source: source.0, format: source.1, output: input.output))
        } catch let error as PromptTemplateError {
            throw APIError.invalidRequest(error.description, param: source.1 == .yaml ? "yaml" : "template")
        }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let input = try await JSONCoding.decode(PromptInput.self, from: request, limit: limit)
        return try JSONCoding.response(try await create(input), status: .created)
    }

    /// Creates a template (its version 1, labelled `production`), validated first.
    func create(_ input: PromptInput) async throws -> PromptVersion {
        guard let name = input.name, name.range(of: #"^[a-z0-9][a-z0-9_.-]{0,79}$"#, options: .regularExpression) != nil
        else {
            throw APIError.invalidRequest(
                "`name` must be 1 to 80 lower-case letters, digits, '.', '_' or '-'.", param: "name")
        }
        let (body, format, _) = try Self.source(input)
        do {
            return try await prompts.createTemplate(name: name, format: format, body: body, output: input.output)
        } catch StoreError.conflict {
            throw APIError(
                .conflict, type: "invalid_request_error", code: "template_exists", param: "name",
                message:
                    "A template named '\(name)' exists; add a version with POST /admin/v1/prompts/\(name)/versions.")
        }
    }

    @Sendable func addVersion(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let input = try await JSONCoding.decode(PromptInput.self, from: request, limit: limit)
        return try JSONCoding.response(try await addVersion(name: name, input), status: .created)
    }

    /// Adds the next version of a template, validated first.
    func addVersion(name: String, _ input: PromptInput) async throws -> PromptVersion {
        let (body, format, _) = try Self.source(input)
        do {
            return try await prompts.addVersion(name: name, format: format, body: body, output: input.output)
        } catch StoreError.notFound {
            throw APIError.notFound("No template '\(name)'.")
        }
    }

    @Sendable func moveLabel(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let input = try await JSONCoding.decode(LabelInput.self, from: request, limit: limit)
        try await moveLabel(name: name, input)
        return try JSONCoding.response(["label": input.label, "version": String(input.version)])
    }

    /// Points a label of a template at one of its versions.
    func moveLabel(name: String, _ input: LabelInput) async throws {
        guard !input.label.isEmpty else { throw APIError.invalidRequest("`label` must not be empty.", param: "label") }
        do {
            try await prompts.moveLabel(name: name, label: input.label, to: input.version)
        } catch StoreError.notFound {
            throw APIError.notFound("No version \(input.version) of template '\(name)'.", param: "version")
        }
    }

    /// A preview: the template rendered with the sample values given (missing ones render empty), exactly as the
    /// model receives it. Values may be any JSON scalar.
    @Sendable func render(_ request: Request, context: Context) async throws -> Response {
        let input = try await JSONCoding.decode(PromptInput.self, from: request, limit: limit)
        return try JSONCoding.response(try Self.render(input))
    }

    /// The template of `input` rendered with its sample values, exactly as the model receives it.
    static func render(_ input: PromptInput) throws -> RenderOutput {
        let (_, _, template) = try Self.source(input)
        var values: [String: String] = [:]
        for (name, value) in input.values ?? [:] {
            guard PromptVariable(rawValue: name) != nil else {
                throw APIError.invalidRequest("`values` names an unknown variable `\(name)`.", param: "values")
            }
            guard let text = value.scalarText else {
                throw APIError.invalidRequest(
                    "`values.\(name)` must be a string, number, boolean or null.", param: "values.\(name)")
            }
            values[name] = text
        }
        return RenderOutput(
            rendered: template.render(values), output: template.output,
            variables: template.variables.map(\.rawValue).sorted())
    }
}
