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
        int f(void) { counter++; printk("%s", get_homonym_string()); \
        return saved_command_line[0] + table[0]() + counter; }
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

/// Field-level edits of an ELF64 little-endian object (what gcc on x86_64 writes). Every field is found through
/// the engine's RecordLayout and whole records are re-encoded through its RecordCodec: no offsets are written here.
struct ELFPatch {
    var bytes: [UInt8]
    let object: ELFObject
    let codec = RecordCodec(.elf64, .little)
    var layout: RecordLayout { codec.layout }

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        object = try ELFObject(bytes: bytes, path: "base.ko")
        #expect(object.header.elfClass == .elf64 && object.header.byteOrder == .little)
    }

    /// Reads the field at `location` of the record at `base`.
    func load(_ base: Int, _ location: FieldLocation) -> UInt64 {
        bytes.withUnsafeBytes { RawReader($0, order: .little).load(base, location) }
    }

    /// Writes `value` (truncated to the field's width) into the field at `location` of the record at `base`.
    mutating func store(_ base: Int, _ location: FieldLocation, _ value: UInt64) {
        bytes.withUnsafeMutableBytes { RawWriter($0, order: .little).store(base, location, value) }
    }

    // MARK: - File header

    func header(_ field: KeyPath<FileHeaderLayout, FieldLocation>) -> UInt64 {
        load(0, layout.fileHeader[keyPath: field])
    }
    mutating func setHeader(_ field: KeyPath<FileHeaderLayout, FieldLocation>, _ value: UInt64) {
        store(0, layout.fileHeader[keyPath: field], value)
    }

    var shoff: Int { Int(header(\.shoff)) }
    var shnum: Int { Int(header(\.shnum)) }
    /// Offset of section header `i`.
    func header(_ i: Int) -> Int { shoff + layout.sectionHeader.size * i }

    // MARK: - Section headers

    /// ELF index of the section called `name` in the base object.
    func index(_ name: String) throws -> Int {
        try #require(object.section(named: name), "no section \(name)").id.rawValue
    }

    enum Field: CaseIterable {
        case name, type, flags, offset, size, link, info, align, entsize

        var location: KeyPath<SectionHeaderLayout, FieldLocation> {
            switch self {
            case .name: return \.name
            case .type: return \.type
            case .flags: return \.flags
            case .offset: return \.offset
            case .size: return \.sectionSize
            case .link: return \.link
            case .info: return \.info
            case .align: return \.alignment
            case .entsize: return \.entrySize
            }
        }
    }

    func get(_ i: Int, _ f: Field) -> UInt64 { load(header(i), layout.sectionHeader[keyPath: f.location]) }
    mutating func set(_ i: Int, _ f: Field, _ v: UInt64) {
        store(header(i), layout.sectionHeader[keyPath: f.location], v)
    }

    // MARK: - Symbols and relocations

    /// Offset of symbol `k` (1-based, as in readelf) of .symtab.
    func symbol(_ k: Int) throws -> Int { Int(get(try index(".symtab"), .offset)) + layout.symbol.size * k }

    /// ELF index of the symbol called `name`.
    func symbolIndex(_ name: String) throws -> Int {
        try #require(object.symbols.first { $0.name == name }, "no symbol \(name)").id.rawValue
    }

    /// Decodes symbol `k` of .symtab, lets `change` edit it, encodes it back.
    mutating func editSymbol(_ k: Int, _ change: (inout SymbolRecord) -> Void) throws {
        let at = try symbol(k)
        let codec = self.codec
        var record = bytes.withUnsafeBytes { codec.symbol(RawReader($0, order: .little), at: at) }
        change(&record)
        bytes.withUnsafeMutableBytes { codec.encode(record, RawWriter($0, order: .little), at: at) }
    }

    /// Decodes relocation `k` of RELA section `section`, lets `change` edit it, encodes it back.
    mutating func editRelocation(in section: Int, _ k: Int, _ change: (inout RelocationRecord) -> Void) {
        let at = Int(get(section, .offset)) + layout.rela.size * k
        let codec = self.codec
        var record = bytes.withUnsafeBytes { codec.relocation(RawReader($0, order: .little), at: at, rela: true) }
        change(&record)
        bytes.withUnsafeMutableBytes { codec.encode(record, RawWriter($0, order: .little), at: at, rela: true) }
    }

    /// A 32-bit word of section contents (group flags and members).
    mutating func setWord(_ at: Int, _ value: UInt32) { store(at, FieldLocation(offset: 0, width: 4), UInt64(value)) }
}

/// How the hostile tests run the binary: output to files, no stdin, an address-space limit, killed after
/// `timeout`; the result reports exit status or signal, wall time and peak RSS.
enum HostileRun {
    static func run(_ argv: [String], timeout: Double = 60, memoryLimitMB: Int = 2048) throws -> ChildProcessResult {
        try ChildProcess.run(
            argv[0], Array(argv.dropFirst()),
            ChildProcess.Options(timeout: timeout, memoryLimitMB: memoryLimitMB))
    }
}

/// What every failing CLI case must show: exit 255, no signal, bounded time and memory, a message naming the
/// file, no output and no temporary file, the input untouched.
struct HostileCLICase {
    static var binary: String { BuiltProducts.klpConvert }

    @discardableResult
    static func expectCleanFailure(
        database: String, input: String, output: String, named: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ChildProcessResult {
        let folder = (output as NSString).deletingLastPathComponent
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        let inputBefore = try? FileIO.readAll(path: input)
        let r = try HostileRun.run([binary, database, input, output])
        #expect(r.signal == nil, "killed by signal \(r.signal ?? 0): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(
            r.exitStatus == 255, "exit \(String(describing: r.exitStatus)): \(r.stderr)", sourceLocation: sourceLocation
        )
        #expect(
            r.stderr.hasPrefix("klp-convert: \(named)"), "message does not start with the file: \(r.stderr)",
            sourceLocation: sourceLocation)
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
/// layouts no compiler makes (names that overlap, huge tables of one repeated entry). Records are encoded by the
/// engine's RecordCodec.
struct RawELF {
    struct Section {
        var name: String
        var type: SectionType
        var flags: SectionFlags = []
        var link: UInt32 = 0
        var info: UInt32 = 0
        var align: UInt64 = 1
        var entsize: UInt64 = 0
        var data: [UInt8]
    }

    static let codec = RecordCodec(.elf64, .little)

    /// Sections get indices 1...; a .shstrtab is appended last and named by e_shstrndx.
    static func make(_ sections: [Section]) -> [UInt8] {
        let layout = codec.layout
        var shstrtab: [UInt8] = [0]
        var nameOffsets: [UInt32] = []
        for s in sections + [Section(name: ".shstrtab", type: .strtab, data: [])] {
            nameOffsets.append(UInt32(shstrtab.count))
            shstrtab += Array(s.name.utf8) + [0]
        }
        var all = sections
        all.append(Section(name: ".shstrtab", type: .strtab, data: shstrtab))
        var out = [UInt8](repeating: 0, count: layout.fileHeader.size)
        var offsets: [Int] = []
        for s in all {
            while out.count % 8 != 0 { out.append(0) }
            offsets.append(out.count)
            out += s.data
        }
        while out.count % 8 != 0 { out.append(0) }
        let shoff = out.count
        out += [UInt8](repeating: 0, count: layout.sectionHeader.size * (all.count + 1))
        var header = FileHeaderRecord(elfClass: .elf64, byteOrder: .little, type: .rel, machine: .x86_64)
        header.shoff = UInt64(shoff)
        header.ehsize = UInt16(layout.fileHeader.size)
        header.shentsize = UInt16(layout.sectionHeader.size)
        header.shnum = UInt16(all.count + 1)
        header.shstrndx = UInt16(all.count)
        out.withUnsafeMutableBytes { buf in
            let w = RawWriter(buf, order: .little)
            codec.encode(header, w)
            for (i, s) in all.enumerated() {
                var h = SectionHeaderRecord()
                h.name = nameOffsets[i]
                h.type = s.type
                h.flags = s.flags
                h.offset = UInt64(offsets[i])
                h.size = UInt64(s.data.count)
                h.link = s.link
                h.info = s.info
                h.alignment = s.align
                h.entrySize = s.entsize
                codec.encode(h, w, at: shoff + layout.sectionHeader.size * (i + 1))
            }
        }
        return out
    }

    /// `count` symbols (after the null one) named by st_name offsets from `nameOffset(k)`, undefined, global.
    static func symbols(count: Int, nameOffset: (Int) -> UInt32) -> [UInt8] {
        let size = codec.layout.symbol.size
        var out = [UInt8](repeating: 0, count: size * (count + 1))
        out.withUnsafeMutableBytes { buf in
            let w = RawWriter(buf, order: .little)
            for k in 1...count {
                var symbol = SymbolRecord()
                symbol.name = nameOffset(k)
                symbol.binding = .global
                codec.encode(symbol, w, at: size * k)
            }
        }
        return out
    }

    /// RELA entries, encoded.
    static func relocations(_ records: [RelocationRecord]) -> [UInt8] {
        let size = codec.layout.rela.size
        var out = [UInt8](repeating: 0, count: size * records.count)
        out.withUnsafeMutableBytes { buf in
            for (k, r) in records.enumerated() {
                codec.encode(r, RawWriter(buf, order: .little), at: size * k, rela: true)
            }
        }
        return out
    }
}
