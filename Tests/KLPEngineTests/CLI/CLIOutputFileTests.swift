import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Nothing lost: the output is written through a temporary file in its folder and renamed; the input is never
/// modified; output == input is refused unless --in-place; a full disk or a read-only folder is a clear error
/// that leaves an older output as it was. The disk cases mount a small tmpfs, which needs root.
@Suite struct CLIOutputFileTests {
    static func setUp() throws -> (dir: String, database: String, input: String) {
        let dir = try TemporaryDirectory.make("hostile-out")
        let database = "\(dir)/symbols.klp"
        try Hostile.databaseText.write(toFile: database, atomically: true, encoding: .utf8)
        let input = "\(dir)/lp.ko"
        try Data(try Hostile.baseObject()).write(to: URL(fileURLWithPath: input))
        return (dir, database, input)
    }

    static func convert(_ args: [String]) throws -> ChildProcessResult {
        try HostileRun.run([HostileCLICase.binary] + args)
    }

    /// Why the mount cases cannot run here, or nil when they can (root and a working tmpfs mount).
    static let mountUnavailable: String? = {
        guard getuid() == 0 else { return "not root: cannot mount a tmpfs" }
        guard let dir = try? TemporaryDirectory.make("mount-probe") else { return "no temporary folder" }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard let r = try? Tool.run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]), r.status == 0 else {
            return "mount -t tmpfs is not permitted here (container without CAP_SYS_ADMIN?)"
        }
        _ = try? Tool.run("umount", [dir])  // check-tests: allow (the probe's cleanup)
        return nil
    }()

    static func withTmpfs(sizeKB: Int, _ body: (String) throws -> Void) throws {
        let dir = try TemporaryDirectory.make("tmpfs")
        try Tool.check("mount", ["-t", "tmpfs", "-o", "size=\(sizeKB)k", "tmpfs", dir])
        defer {
            _ = try? Tool.run("umount", [dir])  // check-tests: allow (cleanup; the test asserted already)
            try? FileManager.default.removeItem(atPath: dir)
        }
        try body(dir)
    }

    @Test func modeIsKeptAndInputIsUntouched() throws {
        let (dir, database, input) = try Self.setUp()
        let before = try FileIO.readAll(path: input)
        for mode: mode_t in [0o600, 0o640, 0o755, 0o444] {
            chmod(input, mode)
            let out = "\(dir)/out-\(String(mode, radix: 8)).ko"
            let r = try Self.convert([database, input, out])
            #expect(r.exitStatus == 0, "\(r.stderr)")
            #expect(FileIO.mode(of: out) == mode)
            #expect(try FileIO.readAll(path: input) == before)
            #expect(FileIO.mode(of: input) == mode)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".klp-") }.isEmpty)
    }

    @Test func outputThatIsTheInputByAnotherNameIsRefused() throws {
        let (dir, database, input) = try Self.setUp()
        let before = try FileIO.readAll(path: input)
        #expect(link(input, "\(dir)/hard.ko") == 0)
        #expect(symlink(input, "\(dir)/soft.ko") == 0)
        for out in [input, "\(dir)/hard.ko", "\(dir)/soft.ko", "\(dir)/./lp.ko"] {
            let r = try Self.convert([database, input, out])
            #expect(r.exitStatus == 255 && r.stderr.contains("refusing to overwrite"), "\(out): \(r.stderr)")
            #expect(try FileIO.readAll(path: input) == before)
        }
    }

    @Test func inPlaceIsAtomicAndKeepsTheMode() throws {
        let (dir, database, input) = try Self.setUp()
        chmod(input, 0o640)
        let r = try Self.convert(["convert", "--in-place", database, input, input])
        #expect(r.exitStatus == 0, "\(r.stderr)")
        #expect(FileIO.mode(of: input) == 0o640)
        let converted = try ELFObject.read(path: input)
        #expect(converted.section(named: ".klp.rela.vmlinux..text") != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".klp-") }.isEmpty)
        // A failing in-place run leaves the file as it was.
        let now = try FileIO.readAll(path: input)
        try "klp-convert-symbol-data.0.1\n*vmlinux\n".write(toFile: database, atomically: true, encoding: .utf8)
        let bad = try Self.convert(["convert", "--in-place", database, input, input])
        #expect(bad.exitStatus == 255)
        #expect(try FileIO.readAll(path: input) == now)
    }

    @Test(.enabled(if: mountUnavailable == nil, "\(mountUnavailable ?? "")"))
    func fullDiskKeepsTheOldOutput() throws {
        let (_, database, input) = try Self.setUp()
        try Self.withTmpfs(sizeKB: 64) { mount in
            let out = "\(mount)/out.ko"
            try "old output".write(toFile: out, atomically: false, encoding: .utf8)
            // Fill the file system: writes fail with ENOSPC from here on.
            let filler = open("\(mount)/filler", O_WRONLY | O_CREAT, 0o644)
            let block = [UInt8](repeating: 0, count: 4096)
            while block.withUnsafeBytes({ write(filler, $0.baseAddress, 4096) }) > 0 {}
            close(filler)
            let before = Set(try FileManager.default.contentsOfDirectory(atPath: mount))
            let r = try Self.convert([database, input, out])
            #expect(r.signal == nil && r.exitStatus == 255, "\(r.stderr)")
            #expect(r.stderr.hasPrefix("klp-convert: \(out): "), "\(r.stderr)")
            #expect(r.stderr.contains("No space left on device"), "\(r.stderr)")
            #expect(try String(contentsOfFile: out, encoding: .utf8) == "old output")
            #expect(Set(try FileManager.default.contentsOfDirectory(atPath: mount)) == before)
        }
    }

    @Test(.enabled(if: mountUnavailable == nil, "\(mountUnavailable ?? "")"))
    func readOnlyFolderKeepsTheOldOutput() throws {
        let (_, database, input) = try Self.setUp()
        try Self.withTmpfs(sizeKB: 256) { mount in
            let out = "\(mount)/out.ko"
            try "old output".write(toFile: out, atomically: false, encoding: .utf8)
            try Tool.check("mount", ["-o", "remount,ro", mount])
            let r = try Self.convert([database, input, out])
            #expect(r.signal == nil && r.exitStatus == 255, "\(r.stderr)")
            #expect(r.stderr.hasPrefix("klp-convert: \(out): cannot create a temporary file"), "\(r.stderr)")
            #expect(r.stderr.contains("Read-only file system"), "\(r.stderr)")
            #expect(try String(contentsOfFile: out, encoding: .utf8) == "old output")
            #expect(try FileManager.default.contentsOfDirectory(atPath: mount) == ["out.ko"])
        }
    }

    @Test func outputPathThatIsAFolderIsAClearError() throws {
        let (dir, database, input) = try Self.setUp()
        try FileManager.default.createDirectory(atPath: "\(dir)/folder.ko", withIntermediateDirectories: false)
        let r = try Self.convert([database, input, "\(dir)/folder.ko"])
        #expect(r.exitStatus == 255 && r.stderr.hasPrefix("klp-convert: \(dir)/folder.ko: "), "\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(names.filter { $0.contains(".klp-") }.isEmpty, "\(names)")
    }
}

extension CLIOutputFileTests {
    /// An output name near NAME_MAX still gets a temporary file (a shorter one) and is written.
    @Test func longestOutputNameIsWritten() throws {
        let (dir, database, input) = try Self.setUp()
        let out = "\(dir)/" + String(repeating: "m", count: 252) + ".ko"
        let r = try Self.convert([database, input, out])
        #expect(r.exitStatus == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".klp-") }.isEmpty)
    }
}
