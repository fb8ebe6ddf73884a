import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Issue 13 items 2 and 9: signed modules (DECISIONS 9) and modules with nothing to convert, through the binary.
@Suite struct ModuleSignatureTests {
    static let source = """
        extern char saved_command_line[];
        extern int init_once(void);
        int f(void) { return saved_command_line[0] + init_once(); }
        KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 2) };
        """

    /// Signs `path` in place as kbuild does at modules_install: the kernel's scripts/sign-file with a fresh key
    /// when the kernel headers and openssl are installed (.ci/run installs both), else the same trailer built
    /// here (signature bytes, struct module_signature with a big-endian length, the marker).
    static func sign(_ path: String, in dir: String) throws {
        let signFile = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/src"))?.sorted()
            .map { "/usr/src/\($0)/scripts/sign-file" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        if let signFile, Tool.find("openssl") != nil {
            try Tool.check(
                "openssl",
                [
                    "req", "-new", "-nodes", "-utf8", "-sha256", "-days", "2", "-batch", "-x509",
                    "-outform", "PEM", "-out", "key.pem", "-keyout", "key.pem",
                    "-subj", "/CN=klp-convert test",
                ], cwd: dir)
            try Tool.check(signFile, ["sha256", "key.pem", "key.pem", path], cwd: dir)
            return
        }
        let signature = [UInt8](repeating: 0x5a, count: 300)
        let info: [UInt8] = [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 44]  // PKEY_ID_PKCS7, sig_len 300
        try FileIO.writeAtomically(try FileIO.readAll(path: path) + signature + info + ModuleSignature.marker, to: path)
    }

    @Test func signedModuleIsRefusedWithTheReason() throws {
        let dir = try TemporaryDirectory.make("signed")
        let input = try CObject.build([("lp", Self.source)], in: dir)
        try Self.sign(input, in: dir)
        let run = try DropInRun.make(input: input, in: dir)
        try run.expectRefused(
            try run.convert(),
            [
                "\(input): module is signed (", "convert before signing (kbuild signs at modules_install)",
                "--drop-signature",
            ])
    }

    @Test func dropSignatureConvertsWithAWarningToSignAgain() throws {
        let dir = try TemporaryDirectory.make("signed-drop")
        let input = try CObject.build([("lp", Self.source)], in: dir)
        let unsigned = try FileIO.readAll(path: input)
        try Self.sign(input, in: dir)
        let run = try DropInRun.make(input: input, in: dir)
        let stderr = run.expectConverted(try run.convert(["--drop-signature"]))
        #expect(stderr.contains("warning: \(input): module signature dropped"), "\(stderr)")
        #expect(stderr.contains("sign it again"))
        // The output is the conversion of the unsigned module: same bytes, no trailer.
        try FileIO.writeAtomically(unsigned, to: "\(dir)/unsigned.o")
        run.expectConverted(try run.convert(input: "\(dir)/unsigned.o", output: "\(dir)/from-unsigned.ko"))
        #expect(try FileIO.readAll(path: run.output) == FileIO.readAll(path: "\(dir)/from-unsigned.ko"))
        #expect(ModuleSignature.find(in: try FileIO.readAll(path: run.output)) == nil)
    }

    /// A module converted, then signed, then run through the converter again: nothing to do, so the signed
    /// bytes come out as they went in (the signature stays valid); check reports the signature.
    @Test func signedConvertedModuleWithNothingToDoIsKeptByteForByte() throws {
        let run = try DropInRun.make(Self.source)
        run.expectConverted(try run.convert())
        try Self.sign(run.output, in: run.dir)
        let signed = try FileIO.readAll(path: run.output)
        let again = try run.convert(input: run.output, output: "\(run.dir)/again.ko")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.isEmpty, "\(again.stderr)")
        #expect(try FileIO.readAll(path: "\(run.dir)/again.ko") == signed)

        let check = try run.run(["check", "--symbols", run.db, run.output])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("note: module is signed ("), "\(check.stderr)")
    }

    /// The marker with a signature length that does not fit the file is reported, by convert and by check.
    @Test func markerWithAnImpossibleLengthIsAnError() throws {
        let dir = try TemporaryDirectory.make("signed-bad")
        let input = try CObject.build([("lp", Self.source)], in: dir)
        let info: [UInt8] = [0, 0, 2, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff]  // sig_len 2 GB
        try FileIO.writeAtomically(try FileIO.readAll(path: input) + info + ModuleSignature.marker, to: input)
        let run = try DropInRun.make(input: input, in: dir)
        try run.expectRefused(try run.convert(), ["its signature length 2147483647 does not fit in the"])
        let check = try run.run(["check", input])
        #expect(check.status == 255)
        #expect(check.stderr.contains("the kernel refuses a module whose signature it cannot parse"), "\(check.stderr)")
    }

    /// Item 9: nothing to convert gives the input's bytes; converting twice gives the first output's bytes.
    @Test func nothingToConvertAndConvertingTwiceAreByteIdentical() throws {
        let nothing = try DropInRun.make(
            "extern int printk(const char *, ...);\nint f(void) { return "
                + "printk(\"x\"); }\n")
        nothing.expectConverted(try nothing.convert())
        #expect(try FileIO.readAll(path: nothing.output) == nothing.inputBytes)

        let run = try DropInRun.make(Self.source)
        run.expectConverted(try run.convert())
        let first = try FileIO.readAll(path: run.output)
        run.expectConverted(try run.convert(input: run.output, output: "\(run.dir)/twice.ko"))
        #expect(try FileIO.readAll(path: "\(run.dir)/twice.ko") == first)
    }
}
