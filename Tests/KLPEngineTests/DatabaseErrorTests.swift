import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Parses text as symbols.klp bytes under the path "t.klp".
func parseDatabase(_ text: String, only: Set<String>? = nil) throws(DatabaseError) -> SymbolDatabase {
    try SymbolDatabase.parse(bytes: Array(text.utf8), path: "t.klp", only: only)
}

/// The error `body` throws, or nil when it returns.
func thrownError<E: Error>(_ body: () throws(E) -> Void) -> E? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

func databaseError(_ text: String, only: Set<String>? = nil) -> DatabaseError? {
    thrownError { () throws(DatabaseError) in _ = try parseDatabase(text, only: only) }
}

/// The error loading the file at `path` gives, or nil when it loads.
func loadError(_ path: String) -> DatabaseError? {
    thrownError { () throws(DatabaseError) in _ = try SymbolDatabase.load(path: path) }
}

let header = "klp-convert-symbol-data.0.1\n"

struct MalformedCase: CustomTestStringConvertible, Sendable {
    let label: String
    let text: String
    let line: Int?
    let fragment: String
    var testDescription: String { label }
}

@Suite("symbols.klp errors")
struct DatabaseErrorTests {
    /// Each problem (a fragment of its message) with the inputs that show it: label, text, line reported.
    static let cases: [MalformedCase] =
        problem("the file is empty", ("empty file", "", nil))
        + problem(
            "unknown format", ("missing header", "*vmlinux\nfoo\n", 1),
            ("unknown version", "klp-convert-symbol-data.0.3\n*vmlinux\n", 1),
            ("short header", "klp-convert-symbol-data.0\n", 1), ("empty first line", "\n*vmlinux\n", 1))
        + problem("symbol before the first *object line", ("symbol before object", header + "foo\n*vmlinux\nbar\n", 2))
        + problem(
            "source file marker before the first *object line",
            ("file marker before object", header + "-a.c\n*vmlinux\n", 2))
        + problem(
            "empty line", ("empty line", header + "*vmlinux\nfoo\n\nbar\n", 4),
            ("trailing empty line", header + "*vmlinux\nfoo\n\n", 4))
        + problem("empty object name", ("empty object name", header + "*vmlinux\nfoo\n*\nbar\n", 4))
        + problem("empty source file name", ("empty file name", header + "*vmlinux\n-\nfoo\n", 3))
        + problem(
            "NUL byte", ("NUL byte", header + "*vmlinux\nfoo\nb\u{0}ar\nbaz\n", 4),
            ("NUL in header", "klp-convert-symbol-data.0.1\u{0}\n", 1))
        + problem(
            "CRLF line ending", ("CRLF header", "klp-convert-symbol-data.0.1\r\n*vmlinux\n", 1),
            ("CRLF symbol", header + "*vmlinux\nfoo\nbar\r\n", 4), ("CR at end of file", header + "*vmlinux\nfoo\r", 3))
        + problem(
            "export marker without a symbol name", ("ksymtab without name", header + "*vmlinux\n__ksymtab_\n", 3),
            ("export_symbol without name", header + "*m\na\n__export_symbol_\n", 4))

    static func problem(_ fragment: String, _ inputs: (label: String, text: String, line: Int?)...) -> [MalformedCase] {
        inputs.map { MalformedCase(label: $0.label, text: $0.text, line: $0.line, fragment: fragment) }
    }

    @Test(arguments: cases)
    func reportsLineAndProblem(_ malformed: MalformedCase) throws {
        let error = try #require(databaseError(malformed.text))
        #expect(error.path == "t.klp")
        #expect(error.line == malformed.line)
        #expect(error.message.contains(malformed.fragment), "\(error)")
    }

    /// A targeted load still validates every line, also lines of names it does not keep.
    @Test(arguments: cases)
    func targetedLoadReportsTheSameError(_ malformed: MalformedCase) throws {
        let error = try #require(databaseError(malformed.text, only: ["foo", "bar"]))
        #expect(error.line == malformed.line)
        #expect(error.message.contains(malformed.fragment), "\(error)")
    }

    @Test func descriptionNamesFileLineAndProblem() throws {
        let error = try #require(databaseError(header + "*vmlinux\nfoo\n\nbar\n"))
        #expect(error.description == "t.klp:4: File format error: empty line")
        #expect(error == .format(path: "t.klp", line: 4, .emptyLine))
        let whole = DatabaseError.emptySymbolList(path: "x.klp")
        #expect(whole.description == "x.klp: Unable to read Symbol list: the file is empty")
    }

    @Test func firstErrorInLineOrderWins() throws {
        // The NUL (line 5) comes after the empty line (line 3): the empty line is reported.
        let error = try #require(databaseError(header + "*vmlinux\n\nfoo\nb\u{0}r\n"))
        #expect(error.line == 3)
    }

    @Test func missingFileCannotBeOpened() throws {
        let path = "/nonexistent-klp-dir/symbols.klp"
        #expect(throws: DatabaseError.self) { try SymbolDatabase.load(path: path) }
        let error = try #require(loadError(path), "\(path) loaded as a database")
        #expect(error.path == path)
        #expect(error.line == nil)
        #expect(error.message.hasPrefix("Unable to open Symbol list: "))
        #expect(error.message.contains("No such file"))
    }

    @Test func directoryCannotBeRead() throws {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("db"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(loadError(directory.path), "a directory loaded as a database")
        #expect(error.line == nil)
        #expect(error.message.hasPrefix("Unable to read Symbol list"))
    }

    @Test func emptyFileOnDisk() throws {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("db"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("symbols.klp").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let error = try #require(loadError(path), "an empty file loaded")
        #expect(error.description == "\(path): Unable to read Symbol list: the file is empty")
    }

    /// A file that opens but cannot be read, for root too (CI runs as root, and root reads a mode-0 file):
    /// /proc/self/mem at offset 0 is an unmapped address, so read(2) fails with EIO.
    @Test func unreadableFile() throws {
        let path = "/proc/self/mem"
        let error = try #require(loadError(path), "\(path) loaded as a database")
        #expect(error.path == path)
        #expect(error.line == nil)
        #expect(error.message == "Unable to read Symbol list: \(String(cString: strerror(EIO)))")
        // Where permissions bind (not root), a mode-0 file is refused at open.
        if getuid() != 0 {
            let directory = try TemporaryDirectory.make("db")
            defer { TemporaryDirectory.remove(directory) }
            let file = directory + "/symbols.klp"
            #expect(
                FileManager.default.createFile(
                    atPath: file, contents: Data(header.utf8), attributes: [.posixPermissions: 0]))
            #expect(throws: DatabaseError.self) { try SymbolDatabase.load(path: file) }
        }
    }
}
