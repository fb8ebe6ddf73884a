import Foundation
import KLPSynthetic
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Corrupt inputs through the klp-convert binary, as kbuild runs it: a sample of the corpus (about 150 processes;
/// the full corpus goes through the engine in ELFReaderRejectsTests). Each case: exit 255, no signal, a message that
/// starts with the file, bounded time and memory, no output and no temporary file, the input untouched.
@Suite struct CLICorruptInputTests {
    static func setUp() throws -> (dir: String, database: String, base: [UInt8]) {
        let dir = try TemporaryDirectory.make("hostile-cli")
        let database = "\(dir)/symbols.klp"
        try Hostile.databaseText.write(toFile: database, atomically: true, encoding: .utf8)
        return (dir, database, try Hostile.baseObject())
    }

    static func write(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func corruptObjectsThroughTheBinary() throws {
        let (dir, database, base) = try Self.setUp()
        var inputs: [[UInt8]] = []
        // Truncations: 40 lengths spread over the file, plus the boundaries.
        for k in 0..<40 { inputs.append(Array(base[..<(k * base.count / 40)])) }
        inputs.append(Array(base.dropLast()))
        // Header field corruptions that the engine tests check one by one.
        let p = try ELFPatch(base)
        let text = try p.index(".text"), relaText = try p.index(".rela.text"), symtab = try p.index(".symtab")
        let edits: [(Int, ELFPatch.Field, UInt64)] = [
            (text, .offset, UInt64.max), (text, .size, 1 << 50), (text, .link, 99), (relaText, .info, 99),
            (relaText, .info, UInt64(relaText)), (symtab, .entsize, 0), (relaText, .entsize, 7),
            (text, .align, 1 << 40),
            (symtab, .size, 24 << 40), (text, .name, 0xffff_ffff), (symtab, .link, UInt64(text)),
        ]
        for (i, field, value) in edits {
            var q = p
            q.set(i, field, value)
            inputs.append(q.bytes)
        }
        // Bit flips that the reader rejects (deterministic sample).
        var rng = SyntheticSymbolList.Random(seed: 42)
        var flips = 0
        while flips < 60 {
            var bytes = base
            let o = Int(rng.next() % UInt64(base.count))
            bytes[o] ^= 1 << UInt8(rng.next() % 8)
            guard (try? ELFObject(bytes: bytes, path: "x")) == nil else { continue }
            inputs.append(bytes)
            flips += 1
        }
        for (k, bytes) in inputs.enumerated() {
            let input = "\(dir)/in\(k).ko"
            try Self.write(bytes, input)
            try HostileCLICase.expectCleanFailure(
                database: database, input: input, output: "\(dir)/out.ko", named: input)
            try FileManager.default.removeItem(atPath: input)
        }
    }

    @Test func corruptDatabasesThroughTheBinary() throws {
        let (dir, _, base) = try Self.setUp()
        let input = "\(dir)/lp.ko"
        try Self.write(base, input)
        var garbage = SyntheticSymbolList.Random(seed: 7)
        let cases: [(String, [UInt8])] = [
            ("no-header", Array("*vmlinux\ninit_once\n".utf8)),
            ("garbage", (0..<4096).map { _ in UInt8(truncatingIfNeeded: garbage.next()) }),
            ("empty", []),
            ("nul", Array("klp-convert-symbol-data.0.1\n*vmlinux\nin\0it\n".utf8)),
            ("crlf", Array("klp-convert-symbol-data.0.1\r\n*vmlinux\r\n".utf8)),
            ("symbol-first", Array("klp-convert-symbol-data.0.1\ninit_once\n".utf8)),
            ("elf", base),
        ]
        for (name, bytes) in cases {
            let db = "\(dir)/\(name).klp"
            try Self.write(bytes, db)
            try HostileCLICase.expectCleanFailure(database: db, input: input, output: "\(dir)/out.ko", named: db)
        }
        try HostileCLICase.expectCleanFailure(
            database: "\(dir)/missing.klp", input: input, output: "\(dir)/out.ko", named: "\(dir)/missing.klp")
        try HostileCLICase.expectCleanFailure(database: dir, input: input, output: "\(dir)/out.ko", named: dir)
    }

    @Test func inputsThatAreNotRegularFiles() throws {
        let (dir, database, _) = try Self.setUp()
        try HostileCLICase.expectCleanFailure(database: database, input: dir, output: "\(dir)/out.ko", named: dir)
        try HostileCLICase.expectCleanFailure(
            database: database, input: "\(dir)/missing.ko", output: "\(dir)/out.ko", named: "\(dir)/missing.ko")
        // A FIFO with no writer: opening it must not block the tool.
        let fifo = "\(dir)/fifo.ko"
        #expect(mkfifo(fifo, 0o644) == 0)
        let r = try HostileCLICase.expectCleanFailure(
            database: database, input: fifo, output: "\(dir)/out.ko", named: fifo)
        #expect(r.stderr.contains("not a regular file"))
    }

    /// Hostile symbols.klp shapes: a 100 MB line and a million objects load or fail in bounded time and memory.
    @Test func hugeDatabasesStayBounded() throws {
        let (dir, _, base) = try Self.setUp()
        let input = "\(dir)/lp.ko"
        try Self.write(base, input)
        let longLine = "\(dir)/long.klp"
        var text = Array("klp-convert-symbol-data.0.1\n*vmlinux\n".utf8)
        text += [UInt8](repeating: UInt8(ascii: "a"), count: 100 << 20)
        text += Array("\ninit_once\n".utf8)
        try Self.write(text, longLine)
        text = []
        let manyObjects = "\(dir)/objects.klp"
        var many = "klp-convert-symbol-data.0.1\n"
        many.reserveCapacity(16 << 20)
        for k in 0..<1_000_000 { many += "*object\(k)\n" }
        try many.write(toFile: manyObjects, atomically: false, encoding: .utf8)
        for db in [longLine, manyObjects] {
            let r = try HostileRun.run([HostileCLICase.binary, "list", db, input], timeout: 120)
            #expect(r.signal == nil, "\(db): signal \(r.signal ?? 0)")
            #expect(r.exitStatus != nil && r.exitStatus != 0, "\(db): the object's symbols are missing, so list fails")
            #expect(r.seconds < 60, "\(db): \(r.seconds) s")
            #expect(r.peakResidentKB < 1024 * 1024, "\(db): peak RSS \(r.peakResidentKB) KB")
        }
        try FileManager.default.removeItem(atPath: longLine)
        try FileManager.default.removeItem(atPath: manyObjects)
    }
}
