import FluentKit
import Foundation
import SwitchyardCore

final class UserRow: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "external_id") var externalID: String
    @OptionalField(key: "name") var name: String?
    @OptionalField(key: "age") var age: Int?
    @OptionalField(key: "gender") var gender: String?
    @OptionalField(key: "time_zone") var timeZone: String?
    @OptionalField(key: "language") var language: String?
    @OptionalField(key: "birth_date") var birthDate: String?
    @OptionalField(key: "birth_time") var birthTime: String?
    @OptionalField(key: "birth_place") var birthPlace: String?
    @OptionalField(key: "location") var location: String?
    @OptionalField(key: "response_length") var responseLength: String?
    @Field(key: "metadata") var metadata: [String: String]
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(_ user: User, createdAt: Date = Date()) {
        id = user.id
        self.createdAt = createdAt
        apply(user)
    }

    func apply(_ user: User) {
        externalID = user.externalID
        name = user.name
        age = user.age
        gender = user.gender
        timeZone = user.timeZone
        language = user.language
        birthDate = user.birthDate
        birthTime = user.birthTime
        birthPlace = user.birthPlace
        location = user.location
        responseLength = user.responseLength?.rawValue
        metadata = user.metadata
    }

    var value: User {
        User(
            id: id ?? UUID(), externalID: externalID, name: name, age: age, gender: gender, timeZone: timeZone,
            language: language, birthDate: birthDate, birthTime: birthTime, birthPlace: birthPlace,
            location: location, responseLength: responseLength.flatMap(ResponseLength.init(rawValue:)),
            metadata: metadata)
    }
}
