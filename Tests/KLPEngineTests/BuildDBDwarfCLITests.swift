import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// What a user of `klp-convert build-db` sees of DWARF: DWARF that libdw refuses costs vmlinux and a module alike
/// their source places and nothing else, and the progress line names the vmlinux whose DWARF is being read, whether
/// it was given or found by --release. Driven through the real binary with gcc -g objects.
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

    /// A compressed vmlinux (/boot/vmlinux-<ver>.xz) and compressed modules are decompressed once and their DWARF
    /// read from those bytes: the database, source places included, is the one their plain files give.
    @Test func compressedFilesGiveThePlainFilesSourcePlaces() throws {
        let dir = try TemporaryDirectory.make("builddb-compressed-dwarf")
        defer { TemporaryDirectory.remove(dir) }
        let vmlinux = try DatabaseBuilderVmlinuxTests.buildVmlinux(in: dir, linkerFlags: ["-g"])
        try FileManager.default.createDirectory(atPath: "\(dir)/plain", withIntermediateDirectories: true)
        try Tool.check("gcc", ["-O2", "-g", "-c", "\(dir)/first.c", "-o", "\(dir)/plain/m.ko"])
        let plain = try Self.buildDB(["--vmlinux", vmlinux, "--modules", "\(dir)/plain"], into: "\(dir)/plain.klp")
        #expect(plain.status == 0, "\(plain.stderr)")
        let expected = try FileIO.readAll(path: "\(dir)/plain.klp")
        #expect(Self.hasLineNumbers(expected), "source places from DWARF")
        for (tool, flags, suffix) in [
            ("xz", ["-k", "-f"], "xz"), ("zstd", ["-q", "-k", "-f"], "zst"), ("gzip", ["-k", "-f"], "gz"),
        ] {
            try Tool.check(tool, flags + [vmlinux])
            let folder = "\(dir)/\(suffix)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Tool.check(tool, flags + ["\(dir)/plain/m.ko"])
            try FileManager.default.moveItem(atPath: "\(dir)/plain/m.ko.\(suffix)", toPath: "\(folder)/m.ko.\(suffix)")
            let packed = try Self.buildDB(
                ["--vmlinux", "\(vmlinux).\(suffix)", "--modules", folder], into: "\(dir)/\(suffix).klp")
            #expect(packed.status == 0 && packed.stderr.isEmpty, "\(suffix): \(packed.stderr)")
            #expect(try FileIO.readAll(path: "\(dir)/\(suffix).klp") == expected, "\(suffix)")
        }
    }

    /// Whether the evidence block gives some symbol a declaration line (`@<address>:<line>`), which only DWARF does.
    static func hasLineNumbers(_ database: [UInt8]) -> Bool {
        BuilderTestFiles.symbolLines(database, object: EvidenceFormat.objectName).contains { $0.contains(":") }
    }

    /// Runs `arguments` with stderr on a terminal (util-linux script's pty), where build-db draws its progress;
    /// returns what the terminal got.
    static func onTerminal(_ arguments: [String]) throws -> (status: Int32, screen: String) {
        let command = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ")
        let r = try Tool.run("script", ["-q", "-e", "-c", command, "/dev/null"])
        return (r.status, r.stdout)
    }

    @Test func progressNamesTheVmlinuxGivenOrFoundByRelease() throws {
        let scratch = try TemporaryDirectory.make("builddb-progress")
        defer { TemporaryDirectory.remove(scratch) }
        let parts = try BuildDBReleaseTests.parts(in: scratch)
        let root = try BuildDBReleaseTests.image(parts, osRelease: BuildDBReleaseTests.debian, in: scratch)
        let release = BuildDBReleaseTests.release
        let debugVmlinux = "/usr/lib/debug/boot/vmlinux-\(release)"
        try BuildDBReleaseTests.place(parts.vmlinux, at: debugVmlinux, in: root)

        let found = try Self.onTerminal(
            [BuiltProducts.klpConvert, "build-db", "-o", "\(scratch)/found.klp", "--release", release, "--root", root])
        #expect(found.status == 0, "\(found.screen)")
        #expect(
            found.screen.contains("klp-convert: reading \(root)\(debugVmlinux) (symbols and DWARF source places)"),
            "\(found.screen)")

        let given = try Self.onTerminal(
            [BuiltProducts.klpConvert, "build-db", "-o", "\(scratch)/given.klp", "--vmlinux", parts.vmlinux])
        #expect(given.status == 0, "\(given.screen)")
        #expect(
            given.screen.contains("klp-convert: reading \(parts.vmlinux) (symbols and DWARF source places)"),
            "\(given.screen)")
        // Without a vmlinux there is nothing to announce.
        let modulesOnly = try Self.onTerminal(
            [BuiltProducts.klpConvert, "build-db", "-o", "\(scratch)/modules.klp", "--modules", parts.module])
        #expect(modulesOnly.status == 0, "\(modulesOnly.screen)")
        #expect(!modulesOnly.screen.contains("symbols and DWARF"), "\(modulesOnly.screen)")
    }
}
