import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// `klp-convert build-db --release/--running --root`: fake system images built by the test (gcc-built vmlinux and
/// modules placed where each distribution keeps them, os-release, Debian's System.map placeholder, an absolute
/// `build` link, a kallsyms dump), driven through the real binary. Each database is compared with the one the
/// same files give when named explicitly, so the search is judged, not the builder again.
@Suite struct BuildDBReleaseTests {
    static let release = "6.1.0-99-amd64"
    static let placeholder = "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n"

    /// Built once per test: a vmlinux stand-in, a module with file symbols and its stripped copy.
    struct Parts {
        let dir: String
        let vmlinux: String
        let module: String
        let strippedModule: String
        let symvers: String
    }

    static func parts(in scratch: String) throws -> Parts {
        let dir = scratch + "/parts"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let vmlinux = try DatabaseBuilderVmlinuxTests.buildVmlinux(in: dir)
        let module = try DatabaseBuilderModuleTests.buildModule(dir, "m.ko")
        // Distributions ship modules stripped of debug information, STT_FILE symbols included.
        try Tool.check("strip", ["-g", "-o", "\(dir)/m-stripped.ko", module])
        let symvers = "\(dir)/Module.symvers"
        try BuilderTestFiles.write("0x12345678\tuse_a\tvmlinux\tEXPORT_SYMBOL\t\n", symvers)
        return Parts(
            dir: dir, vmlinux: vmlinux, module: module, strippedModule: "\(dir)/m-stripped.ko",
            symvers: symvers)
    }

    /// An image root: os-release, the shipped modules (xz-compressed, as Debian 13 and Fedora ship them), and
    /// `lib/modules/<release>/build` as an absolute link into usr/src, as linux-headers installs it.
    static func image(_ parts: Parts, osRelease: String, in scratch: String) throws -> String {
        let root = scratch + "/root"
        let fm = FileManager.default
        let folders = ["etc", "boot", "lib/modules/\(release)/kernel/drivers/misc", "usr/src/linux-headers-\(release)"]
        for folder in folders {
            try fm.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
        }
        try BuilderTestFiles.write(osRelease, "\(root)/etc/os-release")
        let shipped = "\(root)/lib/modules/\(release)/kernel/drivers/misc/m.ko"
        try fm.copyItem(atPath: parts.strippedModule, toPath: shipped)
        try Tool.check("xz", [shipped])
        try fm.createSymbolicLink(
            atPath: "\(root)/lib/modules/\(release)/build",
            withDestinationPath: "/usr/src/linux-headers-\(release)")
        try fm.copyItem(atPath: parts.symvers, toPath: "\(root)/usr/src/linux-headers-\(release)/Module.symvers")
        return root
    }

    static func place(_ file: String, at path: String, in root: String) throws {
        let target = root + path
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: file, toPath: target)
    }

    /// Runs build-db into a fresh file of `scratch`.
    static func buildDB(_ args: [String], in scratch: String) throws -> (status: Int32, stderr: String, output: String)
    {
        let out = "\(scratch)/symbols-\(UUID().uuidString).klp"
        let r = try Tool.run(BuiltProducts.klpConvert, ["build-db", "-o", out] + args)
        return (r.status, r.stderr, out)
    }

    /// Symbol lines of one object, without the export markers Module.symvers adds.
    static func names(_ bytes: [UInt8], _ object: String) -> [String] {
        BuilderTestFiles.symbolLines(bytes, object: object).filter { !$0.hasPrefix("__ksymtab_") }
    }

    static let debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n"

    @Test func debianPlaceholderWithoutDebugPackageIsAnErrorNamingThePackage() throws {
        let scratch = try TemporaryDirectory.make("release")
        defer { TemporaryDirectory.remove(scratch) }
        let parts = try Self.parts(in: scratch)
        let root = try Self.image(parts, osRelease: Self.debian, in: scratch)
        try BuilderTestFiles.write(Self.placeholder, "\(root)/boot/System.map-\(Self.release)")
        let r = try Self.buildDB(["--release", Self.release, "--root", root], in: scratch)
        #expect(r.status == 255)
        #expect(!FileManager.default.fileExists(atPath: r.output), "nothing written")
        #expect(r.stderr.contains("klp-convert: kernel \(Self.release) (Debian, under \(root)):"))
        #expect(r.stderr.contains("skipped System.map: \(root)/boot/System.map-\(Self.release) (a placeholder"))
        #expect(r.stderr.contains("the real one is in linux-image-\(Self.release)-dbg"))
        #expect(
            r.stderr.contains(
                "missing debug vmlinux (symbols with source files): /usr/lib/debug/boot/"
                    + "vmlinux-\(Self.release) (install linux-image-\(Self.release)-dbg)"))
        // The absolute build link was followed inside the image, not on this machine.
        #expect(r.stderr.contains("used Module.symvers: \(root)/usr/src/linux-headers-\(Self.release)/Module.symvers"))
        #expect(r.stderr.contains("nothing to take vmlinux symbols from"))
    }

    @Test func debianDebugPackageGivesTheSameDatabaseAsItsFilesNamedExplicitly() throws {
        let scratch = try TemporaryDirectory.make("release")
        defer { TemporaryDirectory.remove(scratch) }
        let parts = try Self.parts(in: scratch)
        let root = try Self.image(parts, osRelease: Self.debian, in: scratch)
        try BuilderTestFiles.write(Self.placeholder, "\(root)/boot/System.map-\(Self.release)")
        try Self.place(parts.vmlinux, at: "/usr/lib/debug/boot/vmlinux-\(Self.release)", in: root)
        let debugModule = "/usr/lib/debug/lib/modules/\(Self.release)/kernel/drivers/misc/m.ko"
        try Self.place(parts.module, at: debugModule, in: root)

        let found = try Self.buildDB(["--release", Self.release, "--root", root], in: scratch)
        #expect(found.status == 0, "\(found.stderr)")
        #expect(
            found.stderr.contains(
                "used vmlinux symbols: \(root)/usr/lib/debug/boot/vmlinux-\(Self.release) "
                    + "(debug vmlinux)"))
        #expect(
            found.stderr.contains(
                "used debug modules: \(root)/usr/lib/debug/lib/modules/\(Self.release)/kernel "
                    + "(1 unstripped module files, 1 of them in place of the shipped ones"))
        #expect(!found.stderr.contains("System.map"), "with a vmlinux symbol table the placeholder is not looked at")
        let explicit = try Self.buildDB(
            [
                "--vmlinux", parts.vmlinux, "--modules", root + debugModule,
                "--symvers", parts.symvers,
            ], in: scratch)
        #expect(explicit.status == 0, "\(explicit.stderr)")
        let bytes = try FileIO.readAll(path: found.output)
        #expect(bytes == (try FileIO.readAll(path: explicit.output)))
        // The unstripped copy was read: module symbols carry their source files.
        #expect(String(decoding: bytes, as: UTF8.self).contains("*m\n-part_a.c\n"))
    }

    @Test func runningKernelUnderARootUsesItsKallsymsAndTheShippedModules() throws {
        let scratch = try TemporaryDirectory.make("release")
        defer { TemporaryDirectory.remove(scratch) }
        let parts = try Self.parts(in: scratch)
        let root = try Self.image(parts, osRelease: Self.debian, in: scratch)
        try FileManager.default.createDirectory(atPath: "\(root)/proc/sys/kernel", withIntermediateDirectories: true)
        try BuilderTestFiles.write(Self.release + "\n", "\(root)/proc/sys/kernel/osrelease")
        // As a user without privilege reads it: every address zero, names in kallsyms order.
        let dump =
            "0000000000000000 T _stext\n0000000000000000 t homonym\n0000000000000000 T entry\n"
            + "0000000000000000 t homonym\n0000000000000000 t loaded_only\t[extra_mod]\n"
        try BuilderTestFiles.write(dump, "\(root)/proc/kallsyms")

        // A DKMS module is named, not read.
        try Self.place(parts.module, at: "/lib/modules/\(Self.release)/updates/dkms/zz.ko", in: root)

        let found = try Self.buildDB(["--running", "--root", root], in: scratch)
        #expect(found.status == 0, "\(found.stderr)")
        #expect(
            found.stderr.contains(
                "skipped modules: \(root)/lib/modules/\(Self.release)/updates (1 module files "
                    + "not read (DKMS or vendor modules)"))
        #expect(found.stderr.contains("used vmlinux symbols: \(root)/proc/kallsyms (running kernel's kallsyms)"))
        #expect(found.stderr.contains("used modules: \(root)/lib/modules/\(Self.release)/kernel (1 module files)"))
        let shipped = "\(root)/lib/modules/\(Self.release)/kernel/drivers/misc/m.ko.xz"
        let explicit = try Self.buildDB(
            [
                "--kallsyms", "\(root)/proc/kallsyms", "--modules", shipped,
                "--symvers", parts.symvers,
            ], in: scratch)
        let bytes = try FileIO.readAll(path: found.output)
        #expect(bytes == (try FileIO.readAll(path: explicit.output)))
        #expect(Self.names(bytes, "vmlinux") == ["_stext", "homonym", "entry", "homonym"])
        #expect(BuilderTestFiles.symbolLines(bytes, object: "extra_mod") == ["loaded_only"])

        // The same image is not running another release: no kallsyms, so nothing for vmlinux.
        let other = try Self.buildDB(["--release", "6.1.0-98-amd64", "--root", root], in: scratch)
        #expect(other.status == 255)
        #expect(other.stderr.contains("6.1.0-98-amd64 is not running: the running kernel is \(Self.release)"))
    }

    /// `/sys/kernel/notes` as the kernel shows it: a Linux-owned note, then the GNU build ID (little-endian).
    static func kernelNotes(buildID: [UInt8]) -> Data {
        func word(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
        var bytes = word(6) + word(4) + word(0x101) + Array("Linux\0\0\0".utf8) + [1, 0, 0, 0]
        bytes += word(4) + word(buildID.count) + word(3) + Array("GNU\0".utf8) + buildID
        return Data(bytes)
    }

    @Test func aDebugVmlinuxOfAnotherBuildIsNotTakenForTheRunningKernel() throws {
        let scratch = try TemporaryDirectory.make("release")
        defer { TemporaryDirectory.remove(scratch) }
        let parts = try Self.parts(in: scratch)
        let root = try Self.image(parts, osRelease: Self.debian, in: scratch)
        try Self.place(parts.vmlinux, at: "/usr/lib/debug/boot/vmlinux-\(Self.release)", in: root)
        try FileManager.default.createDirectory(atPath: "\(root)/proc/sys/kernel", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(root)/sys/kernel", withIntermediateDirectories: true)
        try BuilderTestFiles.write(Self.release + "\n", "\(root)/proc/sys/kernel/osrelease")
        try BuilderTestFiles.write("0000000000000000 T from_kallsyms\n", "\(root)/proc/kallsyms")
        // The vmlinux's own build ID, as binutils reads it.
        let notes = try Tool.check("readelf", ["-n", parts.vmlinux])
        let hex = try #require(
            notes.split(separator: "\n").first { $0.contains("Build ID:") }?
                .split(separator: " ").last.map(String.init))
        let own = stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }

        try Self.kernelNotes(buildID: own).write(to: URL(fileURLWithPath: "\(root)/sys/kernel/notes"))
        let same = try Self.buildDB(["--running", "--root", root], in: scratch)
        #expect(same.status == 0, "\(same.stderr)")
        #expect(
            same.stderr.contains(
                "used vmlinux symbols: \(root)/usr/lib/debug/boot/vmlinux-\(Self.release) "
                    + "(debug vmlinux, build ID matches the running kernel)"))
        #expect(!Self.names(try FileIO.readAll(path: same.output), "vmlinux").contains("from_kallsyms"))

        let other = own.map { $0 ^ 0xff }
        try Self.kernelNotes(buildID: other).write(to: URL(fileURLWithPath: "\(root)/sys/kernel/notes"))
        let rebuilt = try Self.buildDB(["--running", "--root", root], in: scratch)
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(
            rebuilt.stderr.contains(
                "skipped vmlinux symbols: \(root)/usr/lib/debug/boot/vmlinux-\(Self.release) "
                    + "(another build of \(Self.release): build ID \(hex), "
                    + "the running kernel's is \(BuildID.hex(other)))"))
        #expect(Self.names(try FileIO.readAll(path: rebuilt.output), "vmlinux") == ["from_kallsyms"])
    }

    @Test func fedoraDebuginfoVmlinuxAndMissingDevelPackage() throws {
        let scratch = try TemporaryDirectory.make("release")
        defer { TemporaryDirectory.remove(scratch) }
        let parts = try Self.parts(in: scratch)
        let root = try Self.image(parts, osRelease: "NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=41\n", in: scratch)
        try FileManager.default.removeItem(atPath: "\(root)/usr/src/linux-headers-\(Self.release)/Module.symvers")
        try Self.place(parts.vmlinux, at: "/usr/lib/debug/lib/modules/\(Self.release)/vmlinux", in: root)
        let found = try Self.buildDB(["--release", Self.release, "--root", root], in: scratch)
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stderr.contains("(Fedora, under"))
        #expect(
            found.stderr.contains(
                "used vmlinux symbols: \(root)/usr/lib/debug/lib/modules/\(Self.release)/"
                    + "vmlinux (debug vmlinux)"))
        #expect(
            found.stderr.contains(
                "missing Module.symvers (exports): /lib/modules/\(Self.release)/build/"
                    + "Module.symvers (install kernel-devel-\(Self.release))"))
        let explicit = try Self.buildDB(
            [
                "--vmlinux", parts.vmlinux, "--modules",
                "\(root)/lib/modules/\(Self.release)/kernel/drivers/misc/m.ko.xz",
            ], in: scratch)
        #expect(try FileIO.readAll(path: found.output) == (try FileIO.readAll(path: explicit.output)))
    }

    @Test func realSystemMapIsUsedWhenThereIsNoVmlinux() throws {
        let scratch = try TemporaryDirectory.make("release")
        defer { TemporaryDirectory.remove(scratch) }
        let parts = try Self.parts(in: scratch)
        let root = try Self.image(
            parts, osRelease: "ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n", in: scratch)
        // System.map is `nm -n vmlinux`, as the kernel's scripts/mksysmap writes it.
        let map = try Tool.check("nm", ["-n", parts.vmlinux])
        try BuilderTestFiles.write(map, "\(root)/boot/System.map-\(Self.release)")
        let found = try Self.buildDB(["--release", Self.release, "--root", root], in: scratch)
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stderr.contains("used vmlinux symbols: \(root)/boot/System.map-\(Self.release) (System.map)"))
        #expect(found.stderr.contains("(install kernel-default-debuginfo)"))
        let explicit = try Self.buildDB(
            [
                "--system-map", "\(root)/boot/System.map-\(Self.release)", "--modules",
                "\(root)/lib/modules/\(Self.release)/kernel", "--symvers", parts.symvers,
            ], in: scratch)
        #expect(try FileIO.readAll(path: found.output) == (try FileIO.readAll(path: explicit.output)))
    }

    /// The placeholder given by hand is refused as the release search refuses it, not read as a symbol "The".
    @Test func placeholderSystemMapGivenExplicitlyIsNotASymbolMap() throws {
        let scratch = try TemporaryDirectory.make("release")
        defer { TemporaryDirectory.remove(scratch) }
        let map = "\(scratch)/System.map"
        try BuilderTestFiles.write(Self.placeholder, map)
        let r = try Self.buildDB(["--system-map", map], in: scratch)
        #expect(r.status == 255)
        #expect(r.stderr.contains("\(map):1: not a System.map line (expected 'address type name')"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: r.output))
    }

    @Test func anEmptySuseImageNamesEveryPackage() throws {
        let scratch = try TemporaryDirectory.make("release")
        defer { TemporaryDirectory.remove(scratch) }
        let root = scratch + "/root"
        try FileManager.default.createDirectory(atPath: "\(root)/etc", withIntermediateDirectories: true)
        try BuilderTestFiles.write("NAME=\"SLES\"\nID=\"sles\"\nID_LIKE=\"suse\"\n", "\(root)/etc/os-release")
        let r = try Self.buildDB(["--release", Self.release, "--root", root], in: scratch)
        #expect(r.status == 255)
        for package in ["kernel-default-debuginfo", "kernel-default-devel", "install kernel-default)"] {
            #expect(r.stderr.contains(package), "\(package) in \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: r.output))
    }

    @Test func explicitInputsReplaceWhatIsFound() throws {
        let scratch = try TemporaryDirectory.make("release")
        defer { TemporaryDirectory.remove(scratch) }
        let parts = try Self.parts(in: scratch)
        let root = try Self.image(parts, osRelease: Self.debian, in: scratch)
        try Self.place(parts.vmlinux, at: "/usr/lib/debug/boot/vmlinux-\(Self.release)", in: root)
        let dump = scratch + "/kallsyms"
        try BuilderTestFiles.write("0000000000000000 T only_in_dump\n", dump)
        let found = try Self.buildDB(["--release", Self.release, "--root", root, "--kallsyms", dump], in: scratch)
        #expect(found.status == 0, "\(found.stderr)")
        let bytes = try FileIO.readAll(path: found.output)
        #expect(Self.names(bytes, "vmlinux") == ["only_in_dump"])
        #expect(!BuilderTestFiles.symbolLines(bytes, object: "m").isEmpty, "modules still found")
    }

    @Test func badReleaseRootAndOptionCombinationsAreClearErrors() throws {
        let scratch = try TemporaryDirectory.make("release")
        defer { TemporaryDirectory.remove(scratch) }
        let root = scratch
        let cases: [([String], String)] = [
            (["--release", "../../etc", "--root", root], "not a kernel release name"),
            (["--release", "", "--root", root], "not a kernel release name"),
            (["--release", Self.release, "--root", root + "/absent"], "--root must be an existing folder"),
            (["--running", "--root", root], "proc/sys/kernel/osrelease: cannot tell the running kernel"),
            (["--release", Self.release, "--running"], "give --release or --running, not both"),
            (["--root", root, "--kallsyms", "x"], "--root needs --release or --running"),
        ]
        for (args, message) in cases {
            let r = try Self.buildDB(args, in: scratch)
            #expect(r.status != 0 && r.status != 2, "\(args)")
            #expect(r.stderr.hasPrefix("klp-convert: "), "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: r.output))
        }
    }

    @Test func procfsFilesAreReadToTheirEnd() throws {
        // /proc files report size 0; --running reads /proc/kallsyms, and the kernel's release, this way.
        let text = String(decoding: try FileIO.readAll(path: "/proc/self/status"), as: UTF8.self)
        #expect(text.hasPrefix("Name:"))
        #expect(text.contains("\nPid:"))
    }
}
