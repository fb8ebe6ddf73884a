import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

/// `klp-convert <symbols.klp> <input> <output>` skips the argument parser (DropInConvert, for start-up time). It
/// must stay indistinguishable from `klp-convert convert ...`: same output bytes, messages and exit status; and
/// any other form, such as a subcommand name or an option in those three places, still goes to the parser.
@Suite struct DropInFormTests {
    static var binary: String { BuiltProducts.klpConvert }

    func bothForms(_ db: String, _ input: String, _ dir: String) throws
        -> (dropIn: ChildProcessResult, convert: ChildProcessResult, same: Bool)
    {
        let dropIn = try Tool.run(Self.binary, [db, input, "\(dir)/a.ko"])
        let convert = try Tool.run(Self.binary, ["convert", db, input, "\(dir)/b.ko"])
        let a = try? FileIO.readAll(path: "\(dir)/a.ko"), b = try? FileIO.readAll(path: "\(dir)/b.ko")
        return (dropIn, convert, a == b)
    }

    @Test func sameResultAsTheConvertSubcommand() throws {
        for annotated in [true, false] {
            let (dir, input, db) = try CLITests.setUp(annotated: annotated)
            let (dropIn, convert, same) = try bothForms(db, input, dir)
            #expect(dropIn.status == (annotated ? 0 : 255))
            #expect(dropIn.status == convert.status)
            #expect(dropIn.stderr.replacingOccurrences(of: "a.ko", with: "b.ko") == convert.stderr)
            #expect(same)
        }
    }

    @Test func missingInputIsTheSameError() throws {
        let (dir, _, db) = try CLITests.setUp(annotated: true)
        let (dropIn, convert, _) = try bothForms(db, "\(dir)/missing.ko", dir)
        #expect(dropIn.status == 255)
        #expect(dropIn.stderr.hasPrefix("klp-convert: \(dir)/missing.ko"))
        #expect(dropIn.stderr.replacingOccurrences(of: "a.ko", with: "b.ko") == convert.stderr)
    }

    @Test func otherFormsStillGoThroughTheParser() throws {
        let (dir, input, db) = try CLITests.setUp(annotated: false)
        // A subcommand name first: `list <symbols.klp> <input> <extra>` is a usage error of list, not a conversion.
        let list = try Tool.run(Self.binary, ["list", db, input])
        #expect(list.stdout.contains("init_once  [ambiguous]"))
        let extra = try Tool.run(Self.binary, ["list", db, input, "\(dir)/out.ko"])
        #expect(extra.status == 255)
        #expect(extra.stderr.hasPrefix("klp-convert: Unexpected argument"))
        // An option among three words: parsed as an option, so two paths are missing one (a usage error), where
        // the drop-in form would have read a database named "--bogus".
        let option = try Tool.run(Self.binary, ["--bogus", db, input])
        #expect(option.status == 255)
        #expect(option.stderr.hasPrefix("klp-convert: Missing expected argument '<output>'"))
        #expect(option.stderr.contains("Usage: klp-convert convert"))
        #expect(access("\(dir)/out.ko", F_OK) != 0)
    }
}
