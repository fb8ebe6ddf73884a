import KLPEngine
import KLPTestSupport
import Testing

@testable import KLPTUI

#if canImport(Glibc)
import Glibc
#endif

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

// The listing itself, on a real folder: a link counts as a folder when it leads to one.
@Suite struct PathCompletionListingTests {
    @Test func linksToFoldersAreFoldersAndDotNamesAreLeftToTheRule() throws {
        let dir = try TemporaryDirectory.make("path-completion")
        defer { TemporaryDirectory.remove(dir) }
        try FileIO.writeAtomically([], to: "\(dir)/out.ko")
        try FileIO.writeAtomically([], to: "\(dir)/.config")
        #expect(mkdir("\(dir)/build", 0o755) == 0)
        #expect(symlink("build", "\(dir)/to-build") == 0)
        #expect(symlink("out.ko", "\(dir)/to-out.ko") == 0)
        #expect(symlink("absent", "\(dir)/dangling") == 0)

        let listed = PathCompletion.list(dir).sorted { $0.name < $1.name }
        #expect(
            listed == [
                .init(name: ".config", isFolder: false), .init(name: "build", isFolder: true),
                .init(name: "dangling", isFolder: false), .init(name: "out.ko", isFolder: false),
                .init(name: "to-build", isFolder: true), .init(name: "to-out.ko", isFolder: false),
            ])
        #expect(PathCompletion.complete("\(dir)/to-b", listing: PathCompletion.list).text == "\(dir)/to-build/")
        #expect(PathCompletion.list("\(dir)/absent").isEmpty)
    }
}
