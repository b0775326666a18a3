import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// Saved birth profiles of other people, for questions about two people: `POST /v1/profiles`, `GET /v1/profiles`,
/// `GET /v1/profiles/{id}`, `DELETE /v1/profiles/{id}`. A chat request names one with `second_profile_id`.
struct ProfilesController<Context: UserAuthenticatedContext>: Sendable {
    let profiles: any BirthProfileRepository
    let externalData: ExternalDataService?
    let limit: Int

    func register(on group: RouteRegistrar<RouterGroup<Context>>) {
        group.post("/v1/profiles", use: create)
        group.get("/v1/profiles") { _, context in
            let user = try UserController<Context>.user(context)
            return try JSONCoding.response(try await profiles.profiles(userID: user.id).map(ProfileDTO.init))
        }
        group.get("/v1/profiles/{id}") { _, context in
            let (_, profile) = try await own(context)
            return try JSONCoding.response(ProfileDTO(profile))
        }
        group.delete("/v1/profiles/{id}") { _, context in
            let (user, profile) = try await own(context)
            _ = try await profiles.deleteProfile(id: profile.id, userID: user.id)
            try await externalData?.invalidate(
                ownerID: user.id, subjectID: profile.id.uuidString.lowercased(),
                subjects: [DataSubject(birth: profile.birthDetails)])
            return Response(status: .noContent)
        }
    }

    private func own(_ context: Context) async throws -> (User, BirthProfile) {
        let user = try UserController<Context>.user(context)
        let raw = try context.parameters.require("id")
        guard let id = UUID(uuidString: raw), let profile = try await profiles.profile(id: id, userID: user.id) else {
            throw APIError.notFound("No saved profile '\(raw)'.")
        }
        return (user, profile)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let user = try UserController<Context>.user(context)
        let input = try await JSONCoding.decode(ProfileInput.self, from: request, limit: limit)
        let profile = try input.validated(userID: user.id)
        guard try await profiles.addProfile(profile, limit: ExternalDataLimits.profiles) else {
            throw APIError(
                .conflict, type: "invalid_request_error", code: "too_many_profiles",
                message: "You have \(ExternalDataLimits.profiles) saved profiles, the most there can be. Delete one "
                    + "(DELETE /v1/profiles/{id}) first.")
        }
        return try JSONCoding.response(ProfileDTO(profile), status: .created)
    }
}

struct ProfileInput: Decodable, Sendable {
    var name: String?
    var relation: String?
    var birthDate: String?
    var birthTime: String?
    var birthPlace: String?
    var latitude: Double?
    var longitude: Double?
    var timeZone: String?

    enum CodingKeys: String, CodingKey {
        case name, relation, latitude, longitude
        case birthDate = "birth_date"
        case birthTime = "birth_time"
        case birthPlace = "birth_place"
        case timeZone = "time_zone"
    }

    /// - Throws: ``APIError`` naming the first field that is missing or wrong.
    func validated(userID: UUID) throws -> BirthProfile {
        let name = (self.name ?? "").trimmingWhitespace()
        guard (1...100).contains(name.count) else {
            throw APIError.invalidRequest("`name` must be 1 to 100 characters.", param: "name")
        }
        if let relation, relation.count > 50 {
            throw APIError.invalidRequest("`relation` must be at most 50 characters.", param: "relation")
        }
        guard let birthDate, birthDate.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil,
            BirthDetails(date: birthDate, time: "12:00", place: PlaceQuery()).parts != nil
        else {
            throw APIError.invalidRequest("`birth_date` is required, as a real date YYYY-MM-DD.", param: "birth_date")
        }
        guard let birthTime, birthTime.range(of: #"^\d{2}:\d{2}$"#, options: .regularExpression) != nil,
            BirthDetails(date: birthDate, time: birthTime, place: PlaceQuery()).parts != nil
        else {
            throw APIError.invalidRequest("`birth_time` is required, as HH:MM on a 24-hour clock.", param: "birth_time")
        }
        let place = birthPlace?.trimmingWhitespace()
        if let place, place.count > 300 {
            throw APIError.invalidRequest("`birth_place` must be at most 300 characters.", param: "birth_place")
        }
        let coordinates = [latitude, longitude].compactMap { $0 }.count + (timeZone == nil ? 0 : 1)
        guard coordinates == 0 || coordinates == 3 else {
            throw APIError.invalidRequest(
                "Give `latitude`, `longitude` and `time_zone` together, or none of them.", param: "time_zone")
        }
        if let latitude, !(-90...90).contains(latitude) {
            throw APIError.invalidRequest("`latitude` must be between -90 and 90.", param: "latitude")
        }
        if let longitude, !(-180...180).contains(longitude) {
            throw APIError.invalidRequest("`longitude` must be between -180 and 180.", param: "longitude")
        }
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            throw APIError.invalidRequest("`time_zone` '\(timeZone)' is not an IANA time zone.", param: "time_zone")
        }
        guard coordinates == 3 || !(place ?? "").isEmpty else {
            throw APIError.invalidRequest(
                "A birth place is needed: `birth_place` (a city), or `latitude`, `longitude` and `time_zone`.",
                param: "birth_place")
        }
        return BirthProfile(
            userID: userID, name: name, relation: relation, birthDate: birthDate, birthTime: birthTime,
            birthPlace: place.flatMap { $0.isEmpty ? nil : $0 }, latitude: latitude, longitude: longitude,
            timeZone: timeZone)
    }
}

struct ProfileDTO: Encodable, Sendable {
    var id: LowercaseUUID
    var name: String
    var relation: String?
    var birthDate: String
    var birthTime: String
    var birthPlace: String?
    var latitude: Double?
    var longitude: Double?
    var timeZone: String?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, relation, latitude, longitude
        case birthDate = "birth_date"
        case birthTime = "birth_time"
        case birthPlace = "birth_place"
        case timeZone = "time_zone"
        case createdAt = "created_at"
    }

    init(_ profile: BirthProfile) {
        id = LowercaseUUID(profile.id)
        name = profile.name
        relation = profile.relation
        birthDate = profile.birthDate
        birthTime = profile.birthTime
        birthPlace = profile.birthPlace
        latitude = profile.latitude
        longitude = profile.longitude
        timeZone = profile.timeZone
        createdAt = profile.createdAt
    }
}
