import Foundation
import Hummingbird
import SwitchyardHTTP

/// `GET /openapi.json`: the OpenAPI 3.1 document kept in the repository.
struct OpenAPIController<Context: RequestContext>: Sendable {
    /// The document's bytes, from the module's resources.
    static var document: Data? {
        Bundle.module.url(forResource: "openapi", withExtension: "json").flatMap { try? Data(contentsOf: $0) }
    }

    func register(on router: RouteRegistrar<RouterGroup<Context>>) {
        let document = Self.document.map { ByteBuffer(bytes: $0) }
        router.get("/openapi.json") { _, _ in
            guard let document else {
                throw APIError(
                    .internalServerError, type: "server_error", code: "internal_error",
                    message: "The OpenAPI document is missing from this build.")
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: document))
        }
    }
}
