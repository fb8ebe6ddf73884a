import Testing

@testable import KLPTUI

// Tab in a file-name prompt, on a listing given by the test.

@Suite struct PathCompletionTests {
    static let listing: [String: [PathCompletion.Entry]] = [
        ".": [
            .init(name: "alpha.ko", isFolder: false), .init(name: "alps.ko", isFolder: false),
            .init(name: "build", isFolder: true), .init(name: ".hidden", isFolder: false),
        ],
        "build/": [.init(name: "out.ko", isFolder: false)],
    ]

    func complete(_ text: String) -> PathCompletion {
        PathCompletion.complete(text) { Self.listing[$0] ?? [] }
    }

    @Test func completesTheCommonStartAndListsTheMatches() {
        #expect(complete("a") == PathCompletion(text: "alp", matches: ["alpha.ko", "alps.ko"]))
        #expect(complete("alph") == PathCompletion(text: "alpha.ko", matches: []))
    }

    @Test func aFolderGetsItsSlashAndIsEntered() {
        #expect(complete("b") == PathCompletion(text: "build/", matches: []))
        #expect(complete("build/") == PathCompletion(text: "build/out.ko", matches: []))
    }

    @Test func hiddenNamesOnlyWhenAskedForAndNothingForNoMatch() {
        #expect(complete("").matches == ["alpha.ko", "alps.ko", "build/"])
        #expect(complete(".h").text == ".hidden")
        #expect(complete("zzz") == PathCompletion(text: "zzz", matches: []))
    }
}
