import Foundation
import KLPSynthetic
import Testing

@testable import KLPEngine

/// Hostile symbols.klp and Module.symvers contents, in-process: every case is a DatabaseError naming the file and,
/// for a problem of one line, the line; mutations of a good file never trap.
@Suite struct DatabaseCorruptInputTests {
    static func parse(_ text: String) -> Result<SymbolDatabase, DatabaseError> {
        parse(Array(text.utf8))
    }

    static func parse(_ bytes: [UInt8], only: Set<String>? = nil) -> Result<SymbolDatabase, DatabaseError> {
        Result { () throws(DatabaseError) -> SymbolDatabase in
            try SymbolDatabase.parse(bytes: bytes, path: "hostile.klp", only: only)
        }
    }

    static func expectError(
        _ text: String, line: Int?, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        switch parse(text) {
        case .success: Issue.record("parsed; expected '\(expected)'", sourceLocation: sourceLocation)
        case .failure(let e):
            #expect(e.path == "hostile.klp" && e.line == line, "\(e)", sourceLocation: sourceLocation)
            #expect(e.description.contains(expected), "\(e)", sourceLocation: sourceLocation)
        }
    }

    @Test func malformedFiles() {
        Self.expectError("", line: nil, "the file is empty")
        Self.expectError("*vmlinux\nfoo\n", line: 1, "unknown format")
        Self.expectError("\u{7f}ELF\u{2}\u{1}\u{1}", line: 1, "unknown format")
        Self.expectError("klp-convert-symbol-data.0.1\nfoo\n", line: 2, "symbol before the first *object line")
        Self.expectError("klp-convert-symbol-data.0.1\n*vmlinux\n\nfoo\n", line: 3, "empty line")
        Self.expectError("klp-convert-symbol-data.0.1\n*vmlinux\nfo\u{0}o\n", line: 3, "NUL byte")
        Self.expectError("klp-convert-symbol-data.0.1\n*vmlinux\r\nfoo\n", line: 2, "CRLF")
        Self.expectError("klp-convert-symbol-data.0.1\n*\n", line: 2, "empty object name")
        Self.expectError(
            "klp-convert-symbol-data.0.1\n*vmlinux\n__ksymtab_\n", line: 3, "export marker without a symbol name")
    }

    @Test func binaryGarbageIsRefusedAtTheHeader() {
        var rng = SyntheticSymbolList.Random(seed: 3)
        for size in [1, 7, 64, 4096, 1 << 16] {
            let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            guard case .failure(let e) = Self.parse(bytes) else {
                Issue.record("\(size) random bytes parsed")
                continue
            }
            #expect(e.line == 1 || e.line == nil, "\(e)")
        }
    }

    /// Single-byte mutations of a good file: parse, then ask every question the converter asks.
    @Test func mutationsNeverTrap() throws {
        let good = Array(Hostile.databaseText.utf8)
        var rng = SyntheticSymbolList.Random(seed: 11)
        var parsed = 0, refused = 0
        for k in 0..<3000 {
            var bytes = good
            let o = Int(rng.next() % UInt64(bytes.count))
            switch k % 3 {
            case 0: bytes[o] = UInt8(truncatingIfNeeded: rng.next())
            case 1: bytes.insert(UInt8(truncatingIfNeeded: rng.next() % 128), at: o)
            default: bytes.remove(at: o)
            }
            switch Self.parse(bytes, only: k % 2 == 0 ? nil : ["init_once", "printk"]) {
            case .failure(let e):
                refused += 1
                #expect(e.description.hasPrefix("hostile.klp"))
            case .success(let db):
                parsed += 1
                for name in ["init_once", "printk", "get_homonym_string", "saved_command_line"] {
                    for c in db.candidates(named: name) {
                        #expect(c.position >= 0 && c.position <= c.copiesInObject)
                        #expect(db.copies(of: name, in: c.object) == c.copiesInObject)
                    }
                    _ = db.exportingObjects(of: name)
                }
            }
        }
        #expect(parsed > 100 && refused > 100, "parsed \(parsed), refused \(refused)")
    }

    @Test func moduleSymversGarbage() throws {
        let db = try Hostile.database()
        for (text, line, expected) in [
            ("0x1\tprintk\n", 1, "expected 4 or 5 tab-separated fields"),
            ("0x1\t\tvmlinux\tEXPORT_SYMBOL\n", 1, "empty symbol name"),
            ("0x1\tprintk\tvmlinux\tEXPORT_SYMBOL\n\n", 2, "empty line"),
            ("0x1\tpr\0intk\tvmlinux\tEXPORT_SYMBOL\n", 1, "NUL byte"),
        ] {
            let bytes = Array(text.utf8)
            let r = bytes.withUnsafeBytes { raw in
                Result { () throws(DatabaseError) -> SymbolDatabase in
                    try db.addingExports(fromSymversBytes: raw, path: "Module.symvers")
                }
            }
            guard case .failure(let e) = r else {
                Issue.record("accepted \(text.debugDescription)")
                continue
            }
            #expect(e.path == "Module.symvers" && e.line == line && e.message.contains(expected), "\(e)")
        }
    }

    @Test func aMillionObjectsLoadInBoundedTime() throws {
        var text = "klp-convert-symbol-data.0.1\n"
        text.reserveCapacity(16 << 20)
        for k in 0..<1_000_000 { text += "*o\(k)\n" }
        let bytes = Array(text.utf8)
        let clock = ContinuousClock()
        var db: SymbolDatabase?
        let elapsed = clock.measure { db = try? Self.parse(bytes, only: ["init_once"]).get() }
        #expect(db?.objectNames.count == 1_000_000)
        #expect(elapsed < .seconds(30), "\(elapsed)")
    }

    /// No kernel symbol is longer than KSYM_NAME_LEN (512); a 100 MB "name" is a corrupt file and is refused
    /// with its line number.
    @Test func aLineLongerThanAnyKernelSymbolIsRefused() {
        var bytes = Array("klp-convert-symbol-data.0.1\n*vmlinux\n".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 100 << 20)
        bytes += Array("\nfoo\n".utf8)
        let result = Self.parse(bytes, only: ["foo"])
        guard case .failure(let e) = result else {
            Issue.record("a 100 MB symbol line was accepted")
            return
        }
        #expect(e.line == 3, "\(e)")
        #expect(e.message.contains("bytes long"))
    }
}
