import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// What a user of `klp-convert build-db` sees of DWARF: DWARF that libdw refuses costs vmlinux and a module alike
/// their source places and nothing else. Driven through the real binary with gcc -g objects.
@Suite struct BuildDBDwarfCLITests {
    /// A copy of `path` whose first DWARF unit has version 99 in its header (bytes 4-5 of .debug_info, found with
    /// readelf -SW): libdw refuses the unit, the symbol table is untouched.
    static func breakDwarf(_ path: String, into copy: String) throws {
        let header = try #require(
            try Tool.check("readelf", ["-SW", path]).split(separator: "\n").first { $0.contains(" .debug_info ") })
        let columns = header[header.index(after: header.firstIndex(of: "]")!)...].split(separator: " ")
        let offset = try #require(Int(columns[3], radix: 16))
        var bytes = try FileIO.readAll(path: path)
        bytes[offset + 4] = 99
        bytes[offset + 5] = 0
        try FileIO.writeAtomically(bytes, to: copy)
    }

    static func buildDB(_ args: [String], into out: String) throws -> ChildProcessResult {
        try Tool.run(BuiltProducts.klpConvert, ["build-db", "-o", out] + args)
    }

    @Test func unreadableDwarfIsANoteForVmlinuxAsForAModule() throws {
        let dir = try TemporaryDirectory.make("builddb-broken-dwarf")
        defer { TemporaryDirectory.remove(dir) }
        let vmlinux = try DatabaseBuilderVmlinuxTests.buildVmlinux(in: dir, linkerFlags: ["-g"])
        try Tool.check("gcc", ["-O2", "-g", "-c", "\(dir)/first.c", "-o", "\(dir)/m.ko"])
        try Self.breakDwarf(vmlinux, into: "\(dir)/broken-vmlinux")
        try FileManager.default.createDirectory(atPath: "\(dir)/broken", withIntermediateDirectories: true)
        try Self.breakDwarf("\(dir)/m.ko", into: "\(dir)/broken/m.ko")

        let good = try Self.buildDB(["--vmlinux", vmlinux, "--modules", "\(dir)/m.ko"], into: "\(dir)/good.klp")
        #expect(good.status == 0, "\(good.stderr)")
        #expect(!good.stderr.contains("DWARF"), "\(good.stderr)")
        let goodBytes = try FileIO.readAll(path: "\(dir)/good.klp")
        #expect(Self.hasLineNumbers(goodBytes), "source places from DWARF")

        let broken = try Self.buildDB(
            ["--vmlinux", "\(dir)/broken-vmlinux", "--modules", "\(dir)/broken/m.ko"], into: "\(dir)/broken.klp")
        // Written, exit status 0: the note names each file and libdw's reason, and nothing was skipped.
        #expect(broken.status == 0, "\(broken.stderr)")
        for file in ["\(dir)/broken-vmlinux", "\(dir)/broken/m.ko"] {
            #expect(
                broken.stderr.contains("klp-convert: \(file): DWARF not read, symbol-table files kept: "),
                "\(broken.stderr)")
        }
        let brokenBytes = try FileIO.readAll(path: "\(dir)/broken.klp")
        // Every position is kept; only the source places are gone.
        for object in ["vmlinux", "m"] {
            let lines = BuilderTestFiles.symbolLines(brokenBytes, object: object)
            #expect(!lines.isEmpty, "\(object)")
            #expect(lines == BuilderTestFiles.symbolLines(goodBytes, object: object), "\(object)")
        }
        #expect(!Self.hasLineNumbers(brokenBytes), "no DWARF line numbers")
    }

    /// Whether the evidence block gives some symbol a declaration line (`@<address>:<line>`), which only DWARF does.
    static func hasLineNumbers(_ database: [UInt8]) -> Bool {
        BuilderTestFiles.symbolLines(database, object: EvidenceFormat.objectName).contains { $0.contains(":") }
    }
}
