import FluentKit
import Foundation
import SQLKit
import SwitchyardCore

extension CatalogStore: PromptRepository {
    public func createTemplate(
        name: String, format: PromptVersion.Format, body: String, output: PromptOutput?
    ) async throws -> PromptVersion {
        try await transaction { db in
            if try await PromptVersionRow.query(on: db).filter(\.$templateName == name).count() > 0 {
                throw StoreError.conflict("template \(name)")
            }
            let version = PromptVersion(templateName: name, version: 1, format: format, body: body, output: output)
            try await PromptVersionRow(version).create(on: db)
            try await PromptLabelRow(templateName: name, label: "production", version: 1).create(on: db)
            return version
        }
    }

    public func addVersion(
        name: String, format: PromptVersion.Format, body: String, output: PromptOutput?
    ) async throws -> PromptVersion {
        try await transaction { db in
            guard
                let latest = try await PromptVersionRow.query(on: db).filter(\.$templateName == name)
                    .sort(\.$version, .descending).first()
            else { throw StoreError.notFound("template \(name)") }
            let version = PromptVersion(
                templateName: name, version: latest.version + 1, format: format, body: body, output: output)
            try await PromptVersionRow(version).create(on: db)
            return version
        }
    }

    public func version(name: String, label: String) async throws -> PromptVersion? {
        try await readSQL().raw(
            """
            SELECT v.* FROM prompt_versions v JOIN prompt_labels l
            ON l.template_name = v.template_name AND l.version = v.version
            WHERE l.template_name = \(bind: name) AND l.label = \(bind: label)
            """
        ).first()?.promptVersion()
    }

    public func version(name: String, number: Int) async throws -> PromptVersion? {
        try await PromptVersionRow.query(on: reads()).filter(\.$templateName == name).filter(\.$version == number)
            .first()?.value
    }

    public func moveLabel(name: String, label: String, to version: Int) async throws {
        try await transaction { db in
            guard
                try await PromptVersionRow.query(on: db).filter(\.$templateName == name).filter(\.$version == version)
                    .count() > 0
            else { throw StoreError.notFound("version \(version) of \(name)") }
            if let row = try await PromptLabelRow.query(on: db).filter(\.$templateName == name)
                .filter(\.$label == label).first()
            {
                row.version = version
                try await row.update(on: db)
            } else {
                try await PromptLabelRow(templateName: name, label: label, version: version).create(on: db)
            }
        }
    }

    public func templates() async throws -> [PromptTemplateSummary] {
        let versions = try await PromptVersionRow.query(on: reads()).all()
        let labels = try await PromptLabelRow.query(on: reads()).all()
        var latest: [String: Int] = [:]
        for row in versions { latest[row.templateName] = max(latest[row.templateName] ?? 0, row.version) }
        return latest.keys.sorted().map { name in
            PromptTemplateSummary(
                name: name, latestVersion: latest[name] ?? 0,
                labels: Dictionary(
                    labels.filter { $0.templateName == name }.map { ($0.label, $0.version) },
                    uniquingKeysWith: { $1 }))
        }
    }
}
