import Foundation
import SQLKit
import SwitchyardCore

/// Row mappers for the hot paths, over any `SQLRow`: SQLKit's, ``SQLiteStatementRow`` or ``PostgresStatementRow``.
/// Fluent's model layer reflects over property wrappers on every row (about a fifth of a chat turn's CPU in a
/// profile), so the chat turn's reads and writes skip it. The column names are those of the migrations.
extension SQLRow {
    func user() throws -> User {
        User(
            id: try decode(column: "id", as: UUID.self), externalID: try decode(column: "external_id", as: String.self),
            name: try decode(column: "name", as: String?.self), age: try decode(column: "age", as: Int?.self),
            gender: try decode(column: "gender", as: String?.self),
            timeZone: try decode(column: "time_zone", as: String?.self),
            language: try decode(column: "language", as: String?.self),
            birthDate: try decode(column: "birth_date", as: String?.self),
            birthTime: try decode(column: "birth_time", as: String?.self),
            birthPlace: try decode(column: "birth_place", as: String?.self),
            location: try decode(column: "location", as: String?.self),
            responseLength: try decode(column: "response_length", as: String?.self).flatMap(
                ResponseLength.init(rawValue:)),
            metadata: try decode(column: "metadata", as: [String: String].self))
    }

    /// - Parameter prefix: The column alias prefix, when the bot's columns were renamed in a join (`b_`).
    func bot(prefix: String = "") throws -> Bot {
        func column(_ name: String) -> String { prefix + name }
        return Bot(
            id: try decode(column: column("id"), as: UUID.self),
            slug: try decode(column: column("slug"), as: String.self),
            name: try decode(column: column("name"), as: String.self),
            description: try decode(column: column("description"), as: String.self),
            sceneDescription: try decode(column: column("scene_description"), as: String.self),
            avatarURL: try decode(column: column("avatar_url"), as: String?.self),
            status: BotStatus(rawValue: try decode(column: column("status"), as: String.self)) ?? .draft,
            type: try decode(column: column("type"), as: String.self),
            rank: try decode(column: column("rank"), as: Int.self),
            timeZone: try decode(column: column("time_zone"), as: String?.self),
            metadata: MetadataColumn.metadata(try decode(column: column("metadata"), as: String.self)),
            pricing: PricingColumn.pricing(try decode(column: column("pricing"), as: String?.self)),
            ownerID: try decode(column: column("owner_id"), as: UUID?.self),
            launchedOn: try decode(column: column("launched_on"), as: Date?.self),
            createdAt: try decode(column: column("created_at"), as: Date.self),
            updatedAt: try decode(column: column("updated_at"), as: Date?.self),
            deletedAt: try decode(column: column("deleted_at"), as: Date?.self))
    }

    func llmConfig() throws -> BotLLMConfig {
        BotLLMConfig(
            id: try decode(column: "id", as: UUID.self), botID: try decode(column: "bot_id", as: UUID.self),
            provider: try decode(column: "llm_provider", as: String.self),
            model: try decode(column: "model_name", as: String.self),
            promptTemplate: try decode(column: "prompt_template", as: String?.self),
            promptLabel: try decode(column: "prompt_label", as: String.self),
            inlinePrompt: try decode(column: "inline_prompt", as: String?.self),
            temperature: try decode(column: "temperature", as: Double?.self),
            topP: try decode(column: "top_p", as: Double?.self), topK: try decode(column: "top_k", as: Int?.self),
            maxOutputTokens: try decode(column: "max_output_tokens", as: Int?.self),
            isActive: try decode(column: "is_active", as: Bool.self),
            weight: try decode(column: "weight", as: Int.self),
            regionName: try decode(column: "region_name", as: String?.self),
            fallbacks: try decode(column: "fallbacks", as: String?.self).flatMap {
                try? JSONDecoder().decode([Target].self, from: Data($0.utf8))
            },
            route: try decode(column: "route", as: String?.self),
            metadata: MetadataColumn.metadata(try decode(column: "metadata", as: String.self)),
            createdAt: try decode(column: "created_at", as: Date.self),
            updatedAt: try decode(column: "updated_at", as: Date?.self),
            deletedAt: try decode(column: "deleted_at", as: Date?.self))
    }

    /// - Parameter prefix: The column alias prefix, when the version's columns were renamed in a join (`v_`).
    func promptVersion(prefix: String = "") throws -> PromptVersion {
        PromptVersion(
            templateName: try decode(column: prefix + "template_name", as: String.self),
            version: try decode(column: prefix + "version", as: Int.self),
            format: PromptVersion.Format(rawValue: try decode(column: prefix + "format", as: String.self)) ?? .text,
            body: try decode(column: prefix + "body", as: String.self),
            output: try decode(column: prefix + "output", as: String?.self).flatMap(PromptOutput.init(rawValue:)),
            createdAt: try decode(column: prefix + "created_at", as: Date.self))
    }

    /// A session with its last message (`last_content`, `last_role`, `last_at`).
    func sessionSummary() throws -> SessionSummary {
        SessionSummary(
            session: try chatSession(), lastMessage: try decode(column: "last_content", as: String?.self),
            lastMessageRole: try decode(column: "last_role", as: String?.self).flatMap(ChatRole.init(rawValue:)),
            lastMessageAt: try decode(column: "last_at", as: Date?.self))
    }

    func chatSession() throws -> ChatSession {
        ChatSession(
            id: try decode(column: "id", as: UUID.self), userID: try decode(column: "user_id", as: UUID.self),
            botID: try decode(column: "bot_id", as: UUID.self),
            configID: try decode(column: "config_id", as: UUID.self),
            openingKey: try decode(column: "opening_key", as: String?.self),
            pricing: PricingColumn.pricing(try decode(column: "pricing", as: String?.self)),
            endedAt: try decode(column: "ended_at", as: Date?.self),
            createdAt: try decode(column: "created_at", as: Date.self),
            deletedAt: try decode(column: "deleted_at", as: Date?.self))
    }

    /// A `turn_attempts` row. An outcome this version does not know reads as a transport failure.
    func attemptRecord() throws -> AttemptRecord {
        let prompt = try decode(column: "prompt_tokens", as: Int?.self)
        var record = AttemptRecord(
            target: Target(
                provider: try decode(column: "provider", as: String.self),
                model: try decode(column: "model", as: String.self),
                regionName: try decode(column: "region", as: String?.self)),
            outcome: AttemptRecord.Outcome(name: try decode(column: "outcome", as: String.self)) ?? .failed(.transport),
            latency: .milliseconds(try decode(column: "latency_ms", as: Int.self)),
            status: try decode(column: "status", as: Int?.self),
            usage: try prompt.map {
                Usage(
                    promptTokens: $0, completionTokens: try decode(column: "completion_tokens", as: Int?.self) ?? 0,
                    cachedPromptTokens: try decode(column: "cached_tokens", as: Int?.self) ?? 0)
            },
            cost: try decode(column: "cost_nanos", as: Int64?.self))
        record.timeToFirstTokenMilliseconds = try decode(column: "ttft_ms", as: Int?.self)
        return record
    }

    func storedMessage() throws -> StoredMessage {
        let prompt = try decode(column: "prompt_tokens", as: Int?.self)
        let completion = try decode(column: "completion_tokens", as: Int?.self)
        return StoredMessage(
            id: try decode(column: "id", as: UUID.self), sessionID: try decode(column: "session_id", as: UUID.self),
            role: ChatRole(rawValue: try decode(column: "role", as: String.self)) ?? .user,
            content: try decode(column: "content", as: String.self),
            provider: try decode(column: "provider", as: String?.self),
            model: try decode(column: "model", as: String?.self),
            configID: try decode(column: "config_id", as: UUID?.self),
            usage: prompt.map { Usage(promptTokens: $0, completionTokens: completion ?? 0) },
            idempotencyKey: try decode(column: "idempotency_key", as: String?.self),
            sequence: try decode(column: "seq", as: Int64.self), charge: try decode(column: "charge", as: Int64?.self),
            interrupted: try decode(column: "interrupted", as: Bool.self),
            createdAt: try decode(column: "created_at", as: Date.self))
    }
}

/// ``Pricing`` in a text column, as JSON: integers stay exact, and both databases store it alike.
enum PricingColumn {
    static func text(_ pricing: Pricing) -> String {
        (try? JSONEncoder().encode(pricing)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Decoded prices by their text: every turn reads its bot's or session's pricing, and few distinct ones exist.
    private static let decoded = BoundedCache<String, Pricing>(capacity: 1024)

    static func pricing(_ text: String?) -> Pricing? {
        guard let text else { return nil }
        if let cached = decoded.value(for: text) { return cached }
        guard let pricing = try? JSONDecoder().decode(Pricing.self, from: Data(text.utf8)) else { return nil }
        decoded.store(pricing, for: text)
        return pricing
    }
}

/// Free JSON metadata in a text column, as JSON (keys sorted, so equal metadata is equal text).
enum MetadataColumn {
    static func text(_ metadata: [String: JSONValue]) -> String {
        metadata.isEmpty ? "{}" : JSONValue.object(metadata).jsonText
    }

    /// Decoded metadata by its text: every turn reads its bot's and configs' metadata, and few distinct ones exist.
    private static let decoded = BoundedCache<String, [String: JSONValue]>(capacity: 1024)

    static func metadata(_ text: String) -> [String: JSONValue] {
        if text == "{}" || text.isEmpty { return [:] }
        if let cached = decoded.value(for: text) { return cached }
        guard case .object(let object)? = JSONValue.parse(text) else { return [:] }
        decoded.store(object, for: text)
        return object
    }
}
