import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Parses text as symbols.klp bytes under the path "t.klp".
func parseDatabase(_ text: String, only: Set<String>? = nil) throws(DatabaseError) -> SymbolDatabase {
    try SymbolDatabase.parse(bytes: Array(text.utf8), path: "t.klp", only: only)
}

func databaseError(_ text: String, only: Set<String>? = nil) -> DatabaseError? {
    do {
        _ = try parseDatabase(text, only: only)
        return nil
    } catch {
        return error
    }
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
    static let cases: [MalformedCase] = [
        MalformedCase(label: "empty file", text: "", line: nil, fragment: "the file is empty"),
        MalformedCase(label: "missing header", text: "*vmlinux\nfoo\n", line: 1, fragment: "unknown format"),
        MalformedCase(
            label: "unknown version", text: "klp-convert-symbol-data.0.3\n*vmlinux\n", line: 1,
            fragment: "unknown format"),
        MalformedCase(label: "short header", text: "klp-convert-symbol-data.0\n", line: 1, fragment: "unknown format"),
        MalformedCase(label: "empty first line", text: "\n*vmlinux\n", line: 1, fragment: "unknown format"),
        MalformedCase(
            label: "symbol before object", text: header + "foo\n*vmlinux\nbar\n", line: 2,
            fragment: "symbol before the first *object line"),
        MalformedCase(
            label: "file marker before object", text: header + "-a.c\n*vmlinux\n", line: 2,
            fragment: "source file marker before the first *object line"),
        MalformedCase(label: "empty line", text: header + "*vmlinux\nfoo\n\nbar\n", line: 4, fragment: "empty line"),
        MalformedCase(
            label: "trailing empty line", text: header + "*vmlinux\nfoo\n\n", line: 4,
            fragment: "empty line"),
        MalformedCase(
            label: "empty object name", text: header + "*vmlinux\nfoo\n*\nbar\n", line: 4,
            fragment: "empty object name"),
        MalformedCase(
            label: "empty file name", text: header + "*vmlinux\n-\nfoo\n", line: 3,
            fragment: "empty source file name"),
        MalformedCase(
            label: "NUL byte", text: header + "*vmlinux\nfoo\nb\u{0}ar\nbaz\n", line: 4,
            fragment: "NUL byte"),
        MalformedCase(
            label: "NUL in header", text: "klp-convert-symbol-data.0.1\u{0}\n", line: 1, fragment: "NUL byte"),
        MalformedCase(
            label: "CRLF header", text: "klp-convert-symbol-data.0.1\r\n*vmlinux\n", line: 1,
            fragment: "CRLF line ending"),
        MalformedCase(
            label: "CRLF symbol", text: header + "*vmlinux\nfoo\nbar\r\n", line: 4,
            fragment: "CRLF line ending"),
        MalformedCase(
            label: "CR at end of file", text: header + "*vmlinux\nfoo\r", line: 3,
            fragment: "CRLF line ending"),
        MalformedCase(
            label: "ksymtab without name", text: header + "*vmlinux\n__ksymtab_\n", line: 3,
            fragment: "export marker without a symbol name"),
        MalformedCase(
            label: "export_symbol without name", text: header + "*m\na\n__export_symbol_\n", line: 4,
            fragment: "export marker without a symbol name"),
    ]

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
        do {
            _ = try SymbolDatabase.load(path: path)
        } catch {
            #expect(error.path == path)
            #expect(error.line == nil)
            #expect(error.message.hasPrefix("Unable to open Symbol list: "))
            #expect(error.message.contains("No such file"))
        }
    }

    @Test func directoryCannotBeRead() throws {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("db"))
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            _ = try SymbolDatabase.load(path: directory.path)
            Issue.record("a directory loaded as a database")
        } catch {
            #expect(error.line == nil)
            #expect(error.message.hasPrefix("Unable to read Symbol list"))
        }
    }

    @Test func emptyFileOnDisk() throws {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("db"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("symbols.klp").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        do {
            _ = try SymbolDatabase.load(path: path)
            Issue.record("an empty file loaded")
        } catch {
            #expect(error.description == "\(path): Unable to read Symbol list: the file is empty")
        }
    }

    /// A file that opens but cannot be read, for root too (CI runs as root, and root reads a mode-0 file):
    /// /proc/self/mem at offset 0 is an unmapped address, so read(2) fails with EIO.
    @Test func unreadableFile() throws {
        let path = "/proc/self/mem"
        do {
            _ = try SymbolDatabase.load(path: path)
            Issue.record("\(path) loaded as a database")
        } catch {
            #expect(error.path == path)
            #expect(error.line == nil)
            #expect(error.message == "Unable to read Symbol list: \(String(cString: strerror(EIO)))")
        }
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
