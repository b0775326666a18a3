import SwitchyardCore
import Testing

@Suite struct FailurePolicyTests {
    @Test(arguments: [
        (ProviderFailure.Kind.rateLimited, FailureDecision.retrySameTarget),
        (.overloaded, .retrySameTarget),
        (.timeout, .retrySameTarget),
        (.upstream5xx, .retrySameTarget),
        (.transport, .retrySameTarget),
        (.contextTooLong, .nextTarget),
        (.contentFiltered, .nextTarget),
        (.notFound, .nextTarget),
        (.auth, .nextTarget),
        (.invalidRequest, .failFast),
    ])
    func everyKindHasOneDecision(kind: ProviderFailure.Kind, decision: FailureDecision) {
        #expect(FailurePolicy.decision(for: kind) == decision)
    }

    @Test func detailIsTruncatedAndMessageIsGeneric() {
        let failure = ProviderFailure(.auth, status: 401, detail: String(repeating: "x", count: 2000))
        #expect(failure.detail.count == 500)
        #expect(failure.message == ProviderFailure.Kind.auth.defaultMessage)
    }

    @Test func keysEchoedByAnUpstreamAreMaskedInTheDetail() {
        let failure = ProviderFailure(
            .auth, detail: "Incorrect API key provided: sk-proj-abc123**wxyz. Also gsk_XYZ987 and AKIAIOSFODNN7EXAMPLE."
        )
        #expect(failure.detail == "Incorrect API key provided: <redacted> Also <redacted> and <redacted>.")
    }

    @Test func secretsDoNotPrint() {
        let secret = Secret("sk-very-secret")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
    }
}
