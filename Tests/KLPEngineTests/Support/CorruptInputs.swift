import Foundation
import KLPTestSupport
import Testing
@testable import KLPEngine

/// Shared pieces of the hostile-input tests: a real gcc-built livepatch object to corrupt, field-level patching of
/// its ELF64 little-endian headers, and a process runner that reports signals, wall time and peak memory.
enum Hostile {
    /// A small livepatch-like object: annotations, homonyms, data and text relocations, .modinfo.
    static let source = """
    extern char saved_command_line[];
    extern int init_once(void);
    extern const char *get_homonym_string(void);
    extern int printk(const char *, ...);
    static int counter;
    static int (*const table[])(void) = { init_once };
    int f(void) { counter++; printk("%s", get_homonym_string()); return saved_command_line[0] + table[0]() + counter; }
    KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 2) };
    KLP_MODULE_RELOC(test_klp_convert_mod) m[] = { KLP_SYMPOS(get_homonym_string, 1) };
    """

    static let databaseText = """
    klp-convert-symbol-data.0.1 order=kallsyms
    *vmlinux
    saved_command_line
    init_once
    init_once
    __ksymtab_printk
    printk
    *test_klp_convert_mod
    get_homonym_string
    get_homonym_string

    """

    /// Built once per test process (gcc runs about 50 ms); every test copies the bytes.
    private static let built: Result<[UInt8], any Error> = Result {
        let path = try CObject.build([("lp", source)])
        return try FileIO.readAll(path: path)
    }

    static func baseObject() throws -> [UInt8] { try built.get() }

    static func database() throws -> SymbolDatabase {
        try SymbolDatabase.parse(bytes: Array(databaseText.utf8), path: "symbols.klp")
    }

    /// The whole pipeline the CLI runs, in-process. Returns the error it ended with, nil on success. Any trap
    /// kills the test process, which is the failure these tests look for.
    static func pipeline(_ bytes: [UInt8], path: String = "corrupt.ko", database: SymbolDatabase) -> (any Error)? {
        do {
            let object = try ELFObject(bytes: bytes, path: path)
            let (plan, output) = Converter(database: database).convert(object)
            for d in plan.diagnostics { _ = d.description }
            _ = LivepatchChecker(database: database).check(object)
            guard let output else { return HostileConversionFailed(errors: plan.diagnostics.errors.count) }
            // A plan without errors must be writable, and what is written must read back: a failure past this
            // point is not a clean refusal but an inconsistency between planner and writer.
            do {
                let written = try ELFWriter.bytes(of: output)
                _ = try ELFObject(bytes: written, path: "out.ko")
            } catch {
                return HostileInconsistency(error: error)
            }
            return nil
        } catch {
            return error
        }
    }
}

struct HostileConversionFailed: Error { var errors: Int }
struct HostileInconsistency: Error { var error: any Error }

/// Field-level edits of an ELF64 little-endian object (what gcc on x86_64 writes).
struct ELFPatch {
    var bytes: [UInt8]
    let object: ELFObject

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        object = try ELFObject(bytes: bytes, path: "base.ko")
        #expect(object.header.elfClass == .elf64 && object.header.byteOrder == .little)
    }

    func u16(_ o: Int) -> UInt16 { UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8 }
    func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[o + $1]) << (8 * UInt32($1)) } }
    func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) } }
    mutating func set16(_ o: Int, _ v: UInt16) { for k in 0..<2 { bytes[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt16(k))) } }
    mutating func set32(_ o: Int, _ v: UInt32) { for k in 0..<4 { bytes[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) } }
    mutating func set64(_ o: Int, _ v: UInt64) { for k in 0..<8 { bytes[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) } }

    var shoff: Int { Int(u64(0x28)) }
    var shnum: Int { Int(u16(0x3c)) }
    /// Offset of section header `i`.
    func header(_ i: Int) -> Int { shoff + 64 * i }

    /// ELF index of the section called `name` in the base object.
    func index(_ name: String) throws -> Int {
        try #require(object.section(named: name), "no section \(name)").id.rawValue
    }

    enum Field: Int { case name = 0, type = 4, flags = 8, offset = 24, size = 32, link = 40, info = 44, align = 48, entsize = 56 }

    func get(_ i: Int, _ f: Field) -> UInt64 {
        switch f {
        case .name, .type, .link, .info: return UInt64(u32(header(i) + f.rawValue))
        default: return u64(header(i) + f.rawValue)
        }
    }

    mutating func set(_ i: Int, _ f: Field, _ v: UInt64) {
        switch f {
        case .name, .type, .link, .info: set32(header(i) + f.rawValue, UInt32(truncatingIfNeeded: v))
        default: set64(header(i) + f.rawValue, v)
        }
    }

    /// Offset of symbol `k` (1-based, as in readelf) of .symtab.
    func symbol(_ k: Int) throws -> Int { Int(get(try index(".symtab"), .offset)) + 24 * k }

    /// ELF index of the symbol called `name`.
    func symbolIndex(_ name: String) throws -> Int {
        try #require(object.symbols.first { $0.name == name }, "no symbol \(name)").id.rawValue
    }
}

/// How the hostile tests run the binary: output to files, no stdin, an address-space limit, killed after
/// `timeout`; the result reports exit status or signal, wall time and peak RSS.
enum HostileRun {
    static func run(_ argv: [String], timeout: Double = 60, memoryLimitMB: Int = 2048) throws -> ChildProcessResult {
        try ChildProcess.run(argv[0], Array(argv.dropFirst()),
                             ChildProcess.Options(timeout: timeout, memoryLimitMB: memoryLimitMB))
    }
}

/// What every failing CLI case must show: exit 255, no signal, bounded time and memory, a message naming the
/// file, no output and no temporary file, the input untouched.
struct HostileCLICase {
    static var binary: String { BuiltProducts.klpConvert }

    @discardableResult
    static func expectCleanFailure(database: String, input: String, output: String, named: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws -> ChildProcessResult {
        let folder = (output as NSString).deletingLastPathComponent
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        let inputBefore = try? FileIO.readAll(path: input)
        let r = try HostileRun.run([binary, database, input, output])
        #expect(r.signal == nil, "killed by signal \(r.signal ?? 0): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.exitStatus == 255, "exit \(String(describing: r.exitStatus)): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("klp-convert: \(named)"), "message does not start with the file: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.seconds < 20, "took \(r.seconds) s", sourceLocation: sourceLocation)
        #expect(r.peakResidentKB < 512 * 1024, "peak RSS \(r.peakResidentKB) KB", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: output), "output written", sourceLocation: sourceLocation)
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(after == before, "files appeared: \(after.subtracting(before))", sourceLocation: sourceLocation)
        #expect((try? FileIO.readAll(path: input)) == inputBefore, "input changed", sourceLocation: sourceLocation)
        return r
    }
}

/// Writes an ELF64 little-endian ET_REL from raw section contents, with exactly the header fields given: for
/// layouts no compiler makes (names that overlap, huge tables of one repeated entry).
struct RawELF {
    struct Section {
        var name: String
        var type: UInt32
        var flags: UInt64 = 0
        var link: UInt32 = 0
        var info: UInt32 = 0
        var align: UInt64 = 1
        var entsize: UInt64 = 0
        var data: [UInt8]
    }

    /// Sections get indices 1...; a .shstrtab is appended last and named by e_shstrndx.
    static func make(_ sections: [Section]) -> [UInt8] {
        var shstrtab: [UInt8] = [0]
        var nameOffsets: [UInt32] = []
        for s in sections + [Section(name: ".shstrtab", type: SectionType.strtab, data: [])] {
            nameOffsets.append(UInt32(shstrtab.count))
            shstrtab += Array(s.name.utf8) + [0]
        }
        var all = sections
        all.append(Section(name: ".shstrtab", type: SectionType.strtab, data: shstrtab))
        var out = [UInt8](repeating: 0, count: 64)
        var offsets: [Int] = []
        for s in all {
            while out.count % 8 != 0 { out.append(0) }
            offsets.append(out.count)
            out += s.data
        }
        while out.count % 8 != 0 { out.append(0) }
        let shoff = out.count
        out += [UInt8](repeating: 0, count: 64 * (all.count + 1))
        var p = out
        func put(_ o: Int, _ v: UInt64, _ n: Int) { for k in 0..<n { p[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) } }
        p[0] = 0x7f; p[1] = 0x45; p[2] = 0x4c; p[3] = 0x46; p[4] = 2; p[5] = 1; p[6] = 1
        put(16, 1, 2); put(18, 62, 2); put(20, 1, 4); put(0x28, UInt64(shoff), 8); put(0x34, 64, 2)
        put(0x3a, 64, 2); put(0x3c, UInt64(all.count + 1), 2); put(0x3e, UInt64(all.count), 2)
        for (i, s) in all.enumerated() {
            let h = shoff + 64 * (i + 1)
            put(h, UInt64(nameOffsets[i]), 4); put(h + 4, UInt64(s.type), 4); put(h + 8, s.flags, 8)
            put(h + 24, UInt64(offsets[i]), 8); put(h + 32, UInt64(s.data.count), 8); put(h + 40, UInt64(s.link), 4)
            put(h + 44, UInt64(s.info), 4); put(h + 48, s.align, 8); put(h + 56, s.entsize, 8)
        }
        return p
    }

    /// `count` symbols (after the null one) named by st_name offsets from `nameOffset(k)`, undefined, global.
    static func symbols(count: Int, nameOffset: (Int) -> UInt32) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 24 * (count + 1))
        for k in 1...count {
            let o = 24 * k
            let n = nameOffset(k)
            for b in 0..<4 { out[o + b] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(b))) }
            out[o + 4] = 0x10  // STB_GLOBAL, STT_NOTYPE
        }
        return out
    }
}

/// SplitMix64, so every "random" corruption is the same on every run (and a failure can be replayed).
struct HostileRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
