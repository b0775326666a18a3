import FluentKit
import Foundation
import SwitchyardCore

final class PromptVersionRow: Model, @unchecked Sendable {
    static let schema = "prompt_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "template_name") var templateName: String
    @Field(key: "version") var version: Int
    @Field(key: "format") var format: String
    @Field(key: "body") var body: String
    @OptionalField(key: "output") var output: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(_ value: PromptVersion) {
        id = UUID()
        templateName = value.templateName
        version = value.version
        format = value.format.rawValue
        body = value.body
        output = value.output?.rawValue
        createdAt = value.createdAt
    }

    var value: PromptVersion {
        PromptVersion(
            templateName: templateName, version: version, format: PromptVersion.Format(rawValue: format) ?? .text,
            body: body, output: output.flatMap(PromptOutput.init(rawValue:)), createdAt: createdAt)
    }
}

final class PromptLabelRow: Model, @unchecked Sendable {
    static let schema = "prompt_labels"

    @ID(key: .id) var id: UUID?
    @Field(key: "template_name") var templateName: String
    @Field(key: "label") var label: String
    @Field(key: "version") var version: Int

    init() {}

    init(templateName: String, label: String, version: Int) {
        id = UUID()
        self.templateName = templateName
        self.label = label
        self.version = version
    }
}
