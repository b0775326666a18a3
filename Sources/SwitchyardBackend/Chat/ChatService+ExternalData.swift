import Foundation
import Logging
import SwitchyardCore

extension ChatService {
    static let chartVariables: Set<PromptVariable> = [.userAstroData, .profileDetails1, .firstProfileKundli]
    static let secondChartVariables: Set<PromptVariable> = [.profileDetails2, .secondProfileKundli]
    static let memoryVariables: Set<PromptVariable> = [.memories, .userMemories]

    /// The external values a template's variables need: the user's chart, a saved profile's chart, the forecast (each
    /// only when the bot lists its source), and the memories.
    /// - Throws: ``ChatFailure`` when a required source has no value, or the second profile is not the user's.
    func externalValues(
        for variables: Set<PromptVariable>, bot: Bot, user: User, secondProfileID: UUID?
    ) async throws -> [PromptVariable: PreparedData] {
        let uses = Dictionary(bot.dataSources.map { ($0.name, $0) }) { first, _ in first }
        let astrology = uses["astrology"]
        let memo = ExternalDataMemo()
        var second: BirthProfile?
        if let secondProfileID, astrology != nil, !variables.isDisjoint(with: Self.secondChartVariables) {
            guard let found = try await profiles?.profile(id: secondProfileID, userID: user.id) else {
                throw ChatFailure.invalidInput(
                    "second_profile_id",
                    "No saved profile \(secondProfileID.uuidString.lowercased()) (GET /v1/profiles).")
            }
            second = found
        }
        // One after the other: on a warm cache each is a lookup without a suspension, and child tasks would cost more
        // than they save; a cold miss waits for its API anyway.
        var values: [PromptVariable: PreparedData] = [:]
        if let astrology, !variables.isDisjoint(with: Self.chartVariables),
            let chart = try await load(
                astrology, subject: DataSubject(birth: user.birthDetails), user: user, subjectID: "self", memo)
        {
            for variable in Self.chartVariables { values[variable] = chart }
        }
        if let astrology, let second,
            let chart = try await load(
                astrology, subject: DataSubject(birth: second.birthDetails), user: user,
                subjectID: second.id.uuidString.lowercased(), memo, profileName: second.name)
        {
            for variable in Self.secondChartVariables { values[variable] = chart }
        }
        if let weather = uses["weather"], variables.contains(.weather),
            let forecast = try await load(
                weather, subject: DataSubject(location: user.location.map { PlaceQuery(name: $0) }), user: user,
                subjectID: "self", memo)
        {
            values[.weather] = forecast
        }
        let list: [Memory] =
            if !variables.isDisjoint(with: Self.memoryVariables), let memories {
                try await memories.memories(userID: user.id, botID: bot.id)
            } else { [] }
        if !list.isEmpty {
            let formatted = PreparedData(
                FormattedData(
                    markdown: list.map { "- \($0.text)" }.joined(separator: "\n"),
                    fields: .list(list.map { .text($0.text) })))
            for variable in Self.memoryVariables { values[variable] = formatted }
        }
        return values
    }

    /// One source's value; an optional source that fails gives nil (its section stays out).
    private func load(
        _ use: DataSourceUse, subject: DataSubject, user: User, subjectID: String, _ memo: ExternalDataMemo,
        profileName: String? = nil
    ) async throws -> PreparedData? {
        guard let externalData else {
            if use.optional { return nil }
            throw ChatFailure.externalData(use.name, .notConfigured(use.name), profileName: profileName)
        }
        do {
            return try await externalData.prepared(
                use.name, subject: subject, ownerID: user.id, subjectID: subjectID, memo: memo)
        } catch let error as ExternalDataError {
            let metadata: Logger.Metadata = [
                "source": "\(use.name)", "error": "\(error.kind)", "optional": "\(use.optional)",
            ]
            if use.optional {
                logger.info("external data left out of the prompt", metadata: metadata)
                return nil
            }
            logger.warning("chat turn refused: required external data unavailable", metadata: metadata)
            throw ChatFailure.externalData(use.name, error, profileName: profileName)
        }
    }
}

extension User {
    /// The birth moment and place the astrology source reads, when the profile holds a date, a time and a place.
    public var birthDetails: BirthDetails? {
        guard let birthDate, let birthTime, let birthPlace, !birthPlace.trimmingWhitespace().isEmpty else {
            return nil
        }
        return BirthDetails(date: birthDate, time: birthTime, place: PlaceQuery(name: birthPlace))
    }
}

extension ChatFailure {
    /// What a user is told when a required source has no value: nothing was sent or charged, and what helps.
    static func externalData(_ source: String, _ error: ExternalDataError, profileName: String?) -> ChatFailure {
        let what =
            switch source {
            case "astrology": profileName.map { "\($0)'s birth chart" } ?? "your birth chart"
            case "weather": "the weather forecast"
            default: "the \(source) data"
            }
        switch error {
        case .missingInput(let needed):
            guard profileName == nil else {
                return .invalidInput("second_profile_id", "\(what.capitalizedFirst) needs \(needed).")
            }
            let field = source == "weather" ? "location" : "birth_date, birth_time and birth_place"
            return ChatFailure(
                kind: .profileIncomplete(missing: source == "weather" ? ["location"] : ["birth_place"]),
                code: "profile_incomplete",
                message: "To use \(what), your profile needs \(needed). Set `\(field)` (PATCH /v1/me) and send the "
                    + "message again.")
        case .placeNotFound(let place):
            let fix =
                profileName == nil
                ? "Set `\(source == "weather" ? "location" : "birth_place")` to a nearby city (PATCH /v1/me)"
                : "Save the profile with a nearby city, or with latitude, longitude and time_zone"
            return ChatFailure(
                kind: .invalidInput(parameter: source == "weather" ? "location" : "birth_place"),
                code: "place_not_found",
                message: "The place '\(place)' could not be found for \(what). \(fix), then send the message again.")
        case .unavailable(_, let retryAfter):
            return ChatFailure(
                kind: .unavailable(retryAfterSeconds: retryAfter ?? 30), code: "external_data_unavailable",
                message: "\(what.capitalizedFirst) (\(source) data) could not be loaded right now, so the message "
                    + "was not sent and nothing was charged. Please try again in \(retryAfter ?? 30) seconds.")
        case .malformed, .rejected, .notConfigured:
            return ChatFailure(
                kind: .unavailable(retryAfterSeconds: 60), code: "external_data_unavailable",
                message: "\(what.capitalizedFirst) (\(source) data) is not available right now, so the message was "
                    + "not sent and nothing was charged. Please try again later.")
        }
    }
}
