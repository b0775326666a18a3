import Foundation
import SwitchyardCore
import SwitchyardProviders
import Testing

/// The signer against the published vectors in shared/providers.md §5, byte for byte.
@Suite struct SigV4SignerTests {
    let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))

    func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    @Test func vectorAGetVanilla() {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        let signed = signer.sign(
            method: "GET", host: "example.amazonaws.com", path: "/", headers: [], body: [UInt8](),
            date: date("2015-08-30T12:36:00Z"))
        #expect(
            signed.canonicalRequest
                == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
        #expect(
            signed.stringToSign
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        )
        #expect(signed.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    let body = Array(
        #"{"messages":[{"role":"user","content":[{"text":"Hello"}]}],"inferenceConfig":{"maxTokens":64}}"#.utf8)

    @Test func vectorBBedrockConverse() throws {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "bedrock")
        let signed = signer.sign(
            method: "POST", host: "bedrock-runtime.us-east-1.amazonaws.com",
            path: "/model/deepseek.v3-v1%3A0/converse", headers: [("Content-Type", "application/json")], body: body,
            date: date("2025-01-01T00:00:00Z"))
        #expect(
            signed.canonicalRequest
                == "POST\n/model/deepseek.v3-v1%253A0/converse\n\ncontent-type:application/json\nhost:bedrock-runtime.us-east-1.amazonaws.com\nx-amz-date:20250101T000000Z\n\ncontent-type;host;x-amz-date\nf5b802cc64a01910fd197a46e9e959f3a5795f7728fa5710fb28f1ec3019f545"
        )
        #expect(signed.stringToSign.hasSuffix("\n7d2112b991d8a98ebfe96a119b26c24dff2f61a3ff7de8624552768344324ec9"))
        #expect(signed.signature == "4c645751043da600fce2924eae4cc2d07cc81fe9f8746b0b47a758e30dcba0ab")
        let authorization = try #require(signed.headers.first { $0.0 == "Authorization" }?.1)
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=4c645751043da600fce2924eae4cc2d07cc81fe9f8746b0b47a758e30dcba0ab"
        )
    }

    @Test func vectorBWithASessionToken() {
        var withToken = credentials
        withToken.sessionToken = Secret("SESSIONTOKENEXAMPLE")
        let signer = SigV4Signer(credentials: withToken, region: "us-east-1", service: "bedrock")
        let signed = signer.sign(
            method: "POST", host: "bedrock-runtime.us-east-1.amazonaws.com",
            path: "/model/deepseek.v3-v1%3A0/converse", headers: [("Content-Type", "application/json")], body: body,
            date: date("2025-01-01T00:00:00Z"))
        #expect(signed.signedHeaders == "content-type;host;x-amz-date;x-amz-security-token")
        #expect(signed.signature == "ae288e8b2cd3956885f44fcbc5cdce22aa9d9841fe4ed0b13e80177aa65b7af5")
        #expect(signed.headers.contains { $0.0 == "X-Amz-Security-Token" && $0.1 == "SESSIONTOKENEXAMPLE" })
    }
}
