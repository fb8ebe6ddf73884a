import KLPTestSupport
import Testing

@testable import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

// The one folder listing (build-db's module walk, the TUI's path completion, the test helpers): every name but
// `.` and `..`, with readdir's type, and an error naming the folder instead of an empty or partial list.

@Suite struct DirectoryTests {
    @Test func listsEveryNameWithItsTypeButDotAndDotDot() throws {
        let dir = try TemporaryDirectory.make("directory")
        defer { TemporaryDirectory.remove(dir) }
        try FileIO.writeAtomically(Array("x".utf8), to: "\(dir)/module.ko")
        try FileIO.writeAtomically([], to: "\(dir)/.hidden")
        #expect(mkdir("\(dir)/sub", 0o755) == 0)
        #expect(symlink("sub", "\(dir)/link") == 0)

        let entries = try Directory.entries(dir).sorted { $0.name < $1.name }
        // tmpfs, ext4 and overlayfs (where tests run) all fill d_type, so no name is `.unknown` here.
        #expect(
            entries == [
                Directory.Entry(name: ".hidden", kind: .regular), Directory.Entry(name: "link", kind: .symbolicLink),
                Directory.Entry(name: "module.ko", kind: .regular), Directory.Entry(name: "sub", kind: .folder),
            ])
        #expect(try Directory.entries("\(dir)/sub").isEmpty)
    }

    @Test func aFolderThatCannotBeListedIsAnErrorNamingIt() throws {
        let dir = try TemporaryDirectory.make("directory")
        defer { TemporaryDirectory.remove(dir) }
        try FileIO.writeAtomically([], to: "\(dir)/file")

        let missing = #expect(throws: Directory.Failure.self) { try Directory.entries("\(dir)/absent") }
        #expect(missing == Directory.Failure(folder: "\(dir)/absent", reason: "No such file or directory"))
        #expect(missing?.description == "\(dir)/absent: cannot read folder: No such file or directory")

        let file = #expect(throws: Directory.Failure.self) { try Directory.entries("\(dir)/file") }
        #expect(file == Directory.Failure(folder: "\(dir)/file", reason: "Not a directory"))
    }
}
