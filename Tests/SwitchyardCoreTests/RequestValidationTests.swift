import SwitchyardCore
import Testing

@Suite struct RequestValidationTests {
    let hello = [ChatMessage(role: .user, content: "hi")]

    @Test(arguments: [
        (SamplingParameters(temperature: 2.5), "temperature"),
        (SamplingParameters(temperature: -0.1), "temperature"),
        (SamplingParameters(topP: 1.5), "top_p"),
        (SamplingParameters(topK: 0), "top_k"),
        (SamplingParameters(maxTokens: 0), "max_tokens"),
        (SamplingParameters(stop: ["a", "b", "c", "d", "e"]), "stop"),
    ])
    func outOfRangeParametersAreNamed(sampling: SamplingParameters, parameter: String) {
        #expect(throws: RequestValidationError.self) {
            try RequestValidation.validate(messages: hello, systemInstruction: nil, sampling: sampling)
        }
        do {
            try RequestValidation.validate(messages: hello, systemInstruction: nil, sampling: sampling)
        } catch {
            #expect(error.parameter == parameter)
        }
    }

    @Test func emptyConversationsAreRefused() {
        #expect(
            throws: RequestValidationError(
                parameter: "messages", message: "`messages` must hold at least one user message.")
        ) {
            try RequestValidation.validate(messages: [], systemInstruction: "x", sampling: .init())
        }
    }

    @Test func boundaryValuesPass() throws {
        try RequestValidation.validate(
            messages: hello, systemInstruction: nil,
            sampling: SamplingParameters(temperature: 2, topP: 0, topK: 1, maxTokens: 1, stop: ["a", "b", "c", "d"]))
    }
}
