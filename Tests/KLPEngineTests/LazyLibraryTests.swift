import CLazyLoad
import Foundation
import KLPTestSupport
import Testing

/// build-db's libraries (libdw, liblzma, libzstd, zlib) and the TUI's (libncursesw, with libtinfo) are opened with
/// dlopen when first needed (CLazyLoad), so the conversion kbuild runs once per livepatch does not load them at
/// start; build-db's own tests (DWARF places, .ko.xz/.ko.zst/.ko.gz trees) and the TUI's tmux tests go through
/// the opened libraries.
@Suite struct LazyLibraryTests {
    /// The libraries of build-db and of the TUI, as the dynamic loader names them when it loads one.
    static let buildDBLibraries = [
        "libdw.so", "libelf.so", "liblzma.so", "libzstd.so", "libz.so", "libbz2.so", "libncursesw.so", "libtinfo.so",
    ]

    @Test func conversionLoadsNoneOfBuildDBsOrTheTUIsLibraries() throws {
        let (dir, input, db) = try CLITests.setUp(annotated: true)
        var options = ChildProcess.Options()
        options.environment["LD_DEBUG"] = "libs"
        let run = try ChildProcess.run(BuiltProducts.klpConvert, [db, input, "\(dir)/out.ko"], options)
        #expect(run.status == 0, "\(run.stderr)")
        // LD_DEBUG=libs prints "find library=<soname>" for every library the loader looks for.
        let loaded = run.stderr.split(separator: "\n").filter { $0.contains("find library=") }
        #expect(!loaded.isEmpty, "LD_DEBUG=libs printed nothing: the check would prove nothing")
        for library in Self.buildDBLibraries {
            #expect(!loaded.contains { $0.contains("find library=\(library)") }, "\(library) loaded at start")
        }
    }

    /// The TUI opens libncursesw when it starts: one that lacks a function it needs (here a stand-in library
    /// found first through LD_LIBRARY_PATH) is an error naming the library, the function and the package, before
    /// anything is drawn.
    @Test func theTUIRefusesACursesLibraryWithoutItsFunctions() throws {
        let dir = try TemporaryDirectory.make("lazy-curses")
        try "int klp_not_curses;\n".write(toFile: "\(dir)/stub.c", atomically: true, encoding: .utf8)
        try Tool.check("gcc", ["-shared", "-fPIC", "-o", "\(dir)/libncursesw.so.6", "\(dir)/stub.c"])
        var options = ChildProcess.Options()
        options.environment["LD_LIBRARY_PATH"] = dir
        options.timeout = 60
        let run = try ChildProcess.run(BuiltProducts.klpConvert, ["tui"], options)
        #expect(run.status == 255, "\(run.output)")
        #expect(run.stderr.contains("klp-convert: libncursesw.so.6 has no initscr: a newer libncursesw6 is needed"))
    }

    /// Loads `soname` for `symbols` through the same loader build-db uses.
    func load(_ soname: String, package: String, _ symbols: [String]) -> (loaded: Bool, error: String, slots: [Bool]) {
        var library = klp_lazy_library()
        let names = symbols.map { strdup($0) }
        defer { names.forEach { free($0) } }
        var slots = [UnsafeMutableRawPointer?](repeating: nil, count: symbols.count)
        let result = soname.withCString { so in
            package.withCString { pkg in
                names.map { UnsafePointer($0) }.withUnsafeBufferPointer { namePointers in
                    slots.withUnsafeMutableBufferPointer { slotPointers in
                        library.soname = so
                        library.package = pkg
                        library.names = namePointers.baseAddress
                        library.slots = slotPointers.baseAddress
                        library.count = symbols.count
                        return klp_lazy_load(&library)
                    }
                }
            }
        }
        return (result == 1, String(cString: klp_lazy_error(&library)), slots.map { $0 != nil })
    }

    @Test func resolvesEverySymbolOfALibrary() {
        let zlib = load("libz.so.1", package: "zlib1g", ["zlibVersion", "inflate"])
        #expect(zlib.loaded)
        #expect(zlib.error.isEmpty)
        #expect(zlib.slots == [true, true])
    }

    @Test func aMissingLibraryIsAnErrorNamingItAndItsPackage() {
        let absent = load("libklp-convert-absent.so.7", package: "libabsent7", ["f"])
        #expect(!absent.loaded)
        #expect(absent.error.hasPrefix("libklp-convert-absent.so.7 cannot be loaded ("))
        #expect(absent.error.hasSuffix("): install libabsent7"))
    }

    @Test func aLibraryWithoutAFunctionIsRefusedByName() {
        let old = load("libz.so.1", package: "zlib1g", ["zlibVersion", "klp_function_zlib_never_had"])
        #expect(!old.loaded)
        #expect(old.error == "libz.so.1 has no klp_function_zlib_never_had: a newer zlib1g is needed")
    }
}
