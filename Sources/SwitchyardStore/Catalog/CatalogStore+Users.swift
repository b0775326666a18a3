import FluentKit
import Foundation
import SQLKit
import SwitchyardCore

extension CatalogStore: UserRepository {
    public func findOrCreateUser(externalID: String) async throws -> User {
        if let user = try await statements.rows(ChatStatements.user(externalID: externalID), { try $0.user() }).first {
            return user
        }
        return try await transaction { db in
            if let row = try await UserRow.query(on: db).filter(\.$externalID == externalID).first() {
                return row.value
            }
            let row = UserRow(User(externalID: externalID))
            try await row.create(on: db)
            return row.value
        }
    }

    public func user(id: UUID) async throws -> User? {
        try await UserRow.find(id, on: reads())?.value
    }

    public func updateUser(_ user: User) async throws {
        try await transaction { db in
            guard let row = try await UserRow.find(user.id, on: db) else { throw StoreError.notFound("user") }
            row.apply(user)
            try await row.update(on: db)
        }
    }
}
