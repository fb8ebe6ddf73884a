import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine
@testable import KLPSynthetic

@Suite("symbols.klp and Module.symvers from files")
struct DatabaseLoadTests {
    let symbols = header + "*vmlinux\nprintk\nlocal_fn\n*foo-bar\nfoo_api\nhelper\n"
    let symvers = """
        0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t
        0x00000000\tfoo_api\tdrivers/misc/foo-bar\tEXPORT_SYMBOL_GPL\tFOO_NS
        0x9abcdef0\tother_api\t/home/dev/ext/other-mod.ko\tEXPORT_SYMBOL
        0x9abcdef0\thelper\tdrivers/misc/foo-bar\tEXPORT_SYMBOL_GPL\t

        """

    func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func loadWithSymvers() throws {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("db"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let klp = try write(symbols, "symbols.klp", in: directory)
        let sv = try write(symvers, "Module.symvers", in: directory)
        let db = try SymbolDatabase.load(path: klp, symvers: [sv])
        #expect(db.path == klp)
        #expect(db.exportingObjects(of: "printk") == ["vmlinux"])
        #expect(db.isExportedByVmlinux("printk"))
        #expect(db.exportingObjects(of: "foo_api") == ["foo_bar"])
        #expect(db.exportingObjects(of: "other_api") == ["other_mod"])
        #expect(db.exportingObjects(of: "helper") == ["foo_bar"])
        #expect(!db.isExported("local_fn"))
        // Modules named only by Module.symvers are not objects of symbols.klp.
        #expect(db.objectNames == ["vmlinux", "foo_bar"])
        #expect(!db.hasObject("other_mod"))
        #expect(db.candidates(named: "foo_api").map(\.object) == ["foo_bar"])
    }

    @Test func addingExportsMatchesLoad() throws {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("db"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let klp = try write(symbols, "symbols.klp", in: directory)
        let sv = try write(symvers, "Module.symvers", in: directory)
        let plain = try SymbolDatabase.load(path: klp)
        #expect(!plain.isExported("printk"))
        let merged = try plain.addingExports(fromSymvers: sv)
        #expect(!plain.isExported("printk"), "the original is unchanged")
        let loaded = try SymbolDatabase.load(path: klp, symvers: [sv])
        for name in ["printk", "foo_api", "other_api", "helper", "local_fn"] {
            #expect(merged.exportingObjects(of: name) == loaded.exportingObjects(of: name))
        }
        // A marker in symbols.klp and a symvers line for the same pair count once.
        let again = try merged.addingExports(fromSymvers: sv)
        #expect(again.exportingObjects(of: "printk") == ["vmlinux"])
    }

    @Test func targetedLoadFiltersSymvers() throws {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("db"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let klp = try write(symbols, "symbols.klp", in: directory)
        let sv = try write(symvers, "Module.symvers", in: directory)
        let db = try SymbolDatabase.load(path: klp, only: ["foo_api"], symvers: [sv])
        #expect(db.isExported("foo_api"))
        #expect(!db.isExported("printk"))
        #expect(db.symbolCount == 1)
    }

    @Test func emptySymversIsValid() throws {
        let db = try parseDatabase(symbols)
        let merged = try [UInt8]().withUnsafeBytes { raw throws(DatabaseError) in
            try db.addingExports(fromSymversBytes: raw, path: "Module.symvers")
        }
        #expect(merged.symbolCount == db.symbolCount)
    }

    static let symversErrors: [(String, Int, String)] = [
        ("0x1\ta\tvmlinux\tEXPORT_SYMBOL\n0x2\tb\tvmlinux\n", 2, "expected 4 or 5 tab-separated fields"),
        ("0x1\ta\tvmlinux\tEXPORT_SYMBOL\t\textra\n", 1, "found 6"),
        ("0x1\ta\tvmlinux\tEXPORT_SYMBOL\n\n", 2, "empty line"),
        ("0x1\t\tvmlinux\tEXPORT_SYMBOL\n", 1, "empty symbol name"),
        ("0x1\ta\t\tEXPORT_SYMBOL\n", 1, "empty module name"),
        ("0x1\ta\tvmlinux\tEXPORT_SYMBOL\r\n", 1, "CRLF line ending"),
        ("0x1\ta\tvmlinux\tEXPORT_SYMBOL\n0x1\tb\u{0}\tvmlinux\tEXPORT_SYMBOL\n", 2, "NUL byte"),
    ]

    @Test(arguments: symversErrors)
    func symversErrorsNameFileAndLine(_ text: String, _ line: Int, _ fragment: String) throws {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("db"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let klp = try write(symbols, "symbols.klp", in: directory)
        let sv = try write(text, "Module.symvers", in: directory)
        do {
            _ = try SymbolDatabase.load(path: klp, symvers: [sv])
            Issue.record("malformed Module.symvers accepted")
        } catch {
            #expect(error.path == sv)
            #expect(error.line == line)
            #expect(error.message.contains(fragment), "\(error)")
        }
    }

    @Test func missingSymvers() throws {
        let db = try parseDatabase(symbols)
        do {
            _ = try db.addingExports(fromSymvers: "/nonexistent/Module.symvers")
            Issue.record("missing Module.symvers accepted")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/Module.symvers: Unable to open Module.symvers: "))
        }
    }

    @Test func moduleNamesFromSymversPaths() {
        #expect(ModuleSymversParser.moduleName(fromSymversField: "vmlinux") == "vmlinux")
        #expect(ModuleSymversParser.moduleName(fromSymversField: "drivers/a/b-c") == "b_c")
        #expect(ModuleSymversParser.moduleName(fromSymversField: "/abs/x-y.ko") == "x_y")
        #expect(ModuleSymversParser.moduleName(fromSymversField: "plain") == "plain")
    }

    @Test func loadFromPathMatchesParse() throws {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("db"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = SyntheticSymbolList.make(
            .init(vmlinuxSymbols: 2_000, modules: 20, symbolsPerModule: 60, ordered: true))
        let path = directory.appendingPathComponent("symbols.klp").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let loaded = try SymbolDatabase.load(path: path)
        let parsed = try SymbolDatabase.parse(bytes: bytes, path: path)
        #expect(loaded.symbolCount == parsed.symbolCount)
        #expect(loaded.objectNames == parsed.objectNames)
        #expect((0..<loaded.symbolCount).allSatisfy { loaded.candidate(atIndex: $0) == parsed.candidate(atIndex: $0) })
    }
}
