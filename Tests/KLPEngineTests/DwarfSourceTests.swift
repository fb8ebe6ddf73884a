import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// build-db's source places from DWARF (libdw): gcc -g objects, DWARF 4 and 5, statics with the same name in two
/// files, `.constprop` clones, a function-local static, paths made relative to the kernel tree.
@Suite struct DwarfSourceTests {
    static let inode = """
        static int counter;

        static __attribute__((noinline)) void init_once(void *p)
        {
        \tcounter += (long)p;
        }
        static __attribute__((noinline)) int scale(int x, int k)
        {
        \treturn x * k + counter;
        }
        void *inode_use(void) { init_once(0); return (void *)(long)scale(counter, 3); }
        int inode_more(int y) { static int __key; __key++; return scale(y, 3) + __key; }

        """
    static let dcache = """
        /* a comment line, so the two copies have different lines */
        static int counter;


        static __attribute__((noinline)) void init_once(void *p)
        {
        \tcounter -= (long)p;
        }
        void *dcache_use(void) { init_once((void *)1); return &counter; }

        """

    /// 1-based line of the first line of `source` containing `text`.
    static func line(of text: String, in source: String) -> Int {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.firstIndex { $0.contains(text) }! + 1
    }

    /// A kernel-like tree: sources under fs/, compiled from Debian's build folder with `../../../` paths, so the
    /// DWARF names carry the build prefix the builder must strip.
    static func makeTree(_ label: String) throws -> (root: String, build: String) {
        let root = try TemporaryDirectory.make(label)
        let build = "\(root)/debian/build/build_amd64_none_amd64"
        try FileManager.default.createDirectory(atPath: "\(root)/fs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: build, withIntermediateDirectories: true)
        try BuilderTestFiles.write(inode, "\(root)/fs/inode.c")
        try BuilderTestFiles.write(dcache, "\(root)/fs/dcache.c")
        return (root, build)
    }

    @Test(arguments: [4, 5]) func moduleCopiesGetTheirOwnFileAndLine(dwarf: Int) throws {
        let (_, build) = try Self.makeTree("dwarf-module-\(dwarf)")
        let flags = ["-O2", "-g", "-gdwarf-\(dwarf)", "-ffunction-sections", "-fdata-sections", "-c"]
        try Tool.check("gcc", flags + ["../../../fs/inode.c", "-o", "inode.o"], cwd: build)
        try Tool.check("gcc", flags + ["../../../fs/dcache.c", "-o", "dcache.o"], cwd: build)
        try Tool.check("ld", ["-r", "inode.o", "dcache.o", "-o", "homonyms.o"], cwd: build)
        let readelf = try Tool.check("readelf", ["--debug-dump=info", "\(build)/homonyms.o"])
        #expect(readelf.contains("Version:       \(dwarf)"))

        guard case .module(let object) = try DatabaseBuilder.readModule(path: "\(build)/homonyms.o") else {
            Issue.record("not read as a module")
            return
        }
        func places(_ name: String) -> [String] {
            object.symbols.filter { $0.name == name }.map { "\($0.file ?? "-"):\($0.line.map(String.init) ?? "-")" }
        }
        // Symbol-table order: inode.o's symbols, then dcache.o's (ld -r keeps input order).
        let inodeInit = Self.line(of: "void init_once", in: Self.inode)
        let dcacheInit = Self.line(of: "void init_once", in: Self.dcache)
        #expect(
            places("init_once.constprop.0") == ["fs/inode.c:\(inodeInit)", "fs/dcache.c:\(dcacheInit)"]
                || places("init_once") == ["fs/inode.c:\(inodeInit)", "fs/dcache.c:\(dcacheInit)"])
        #expect(places("counter") == ["fs/inode.c:1", "fs/dcache.c:2"])
        // The clone names its origin: the line of `scale` itself.
        let scale = object.symbols.first { $0.name.hasPrefix("scale") }
        #expect(scale?.file == "fs/inode.c")
        #expect(scale?.line == Self.line(of: "int scale(", in: Self.inode))
        // A static inside a function: kallsyms' `__key.N`.
        let key = object.symbols.first { $0.name.hasPrefix("__key") }
        #expect(key?.file == "fs/inode.c")
        #expect(key?.line == Self.line(of: "static int __key", in: Self.inode))
        // Globals follow all locals in the table: without DWARF their file is unknown; with it they have one.
        #expect(places("dcache_use") == ["fs/dcache.c:\(Self.line(of: "dcache_use", in: Self.dcache))"])
        // Module values are section offsets, not addresses.
        #expect(object.symbols.allSatisfy { $0.address == nil })
    }

    @Test(arguments: [4, 5]) func vmlinuxPlacesAgreeWithAddr2line(dwarf: Int) throws {
        let (root, build) = try Self.makeTree("dwarf-vmlinux-\(dwarf)")
        try BuilderTestFiles.write(
            """
            void *inode_use(void); void *dcache_use(void); int inode_more(int);
            void *entry(void) { return (void *)((long)inode_use() + (long)dcache_use() + inode_more(1)); }

            """, "\(root)/fs/main.c")
        try Tool.check(
            "gcc",
            [
                "-O2", "-g", "-gdwarf-\(dwarf)", "-fno-pic", "-no-pie", "-static", "-nostdlib",
                "-Wl,-e,entry", "-o", "vmlinux", "../../../fs/main.c", "../../../fs/inode.c",
                "../../../fs/dcache.c",
            ], cwd: build)
        let object = try DatabaseBuilder.readVmlinux(path: "\(build)/vmlinux", jobs: 2)
        let copies = object.symbols.filter { $0.name.hasPrefix("init_once") }
        #expect(copies.count == 2)
        #expect(copies.map { $0.file ?? "-" }.sorted() == ["fs/dcache.c", "fs/inode.c"])
        // addr2line maps code addresses: check every function (nm's t/T) that got a place.
        let functions = Set(
            try Tool.check("nm", ["\(build)/vmlinux"]).split(separator: "\n").compactMap { line in
                let fields = line.split(separator: " ")
                return fields.count == 3 && (fields[1] == "t" || fields[1] == "T") ? String(fields[2]) : nil
            })
        let checked = object.symbols.filter { $0.line != nil && functions.contains($0.name) }
        #expect(checked.count >= 6)
        #expect(object.symbols.contains { $0.name == "counter" && $0.line != nil })
        for copy in checked {
            let address = try #require(copy.address)
            // addr2line gives the line of the first instruction (a function) or of the definition (a variable):
            // within a few lines after the declaration.
            let answer = try Tool.check("addr2line", ["-e", "\(build)/vmlinux", String(address, radix: 16)])
            let parts = answer.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":")
            let file = String(parts[0]), line = Int(parts[1].split(separator: " ")[0]) ?? -1
            #expect(file.hasSuffix("/" + (copy.file ?? "?")), "\(copy.name): \(answer)")
            #expect(line >= copy.line! && line <= copy.line! + 3, "\(copy.name) at \(copy.line!): \(answer)")
        }
        // Two workers and one give the same places.
        #expect(try DatabaseBuilder.readVmlinux(path: "\(build)/vmlinux", jobs: 1) == object)
    }

    /// A `static inline` function of a header that gcc emits out of line in two files: two copies, each placed
    /// at the header's line (DW_AT_decl_file), not at the including file.
    @Test func outOfLineCopiesOfAHeaderInlineNameTheHeader() throws {
        let (root, build) = try Self.makeTree("dwarf-inline")
        try FileManager.default.createDirectory(atPath: "\(root)/include/linux", withIntermediateDirectories: true)
        let header = """
            static int shared_state;
            static inline __attribute__((noinline)) int bump(int x)
            {
            \treturn shared_state += x;
            }

            """
        try BuilderTestFiles.write(header, "\(root)/include/linux/bump.h")
        try BuilderTestFiles.write("#include <linux/bump.h>\nint one(void) { return bump(1); }\n", "\(root)/fs/one.c")
        try BuilderTestFiles.write("#include <linux/bump.h>\nint two(void) { return bump(2); }\n", "\(root)/fs/two.c")
        for name in ["one", "two"] {
            try Tool.check(
                "gcc", ["-O2", "-g", "-I../../../include", "-c", "../../../fs/\(name).c", "-o", "\(name).o"],
                cwd: build)
        }
        try Tool.check("ld", ["-r", "one.o", "two.o", "-o", "inline.o"], cwd: build)
        guard case .module(let object) = try DatabaseBuilder.readModule(path: "\(build)/inline.o") else {
            Issue.record("not read as a module")
            return
        }
        let copies = object.symbols.filter { $0.name.hasPrefix("bump") }
        #expect(copies.count == 2)
        let line = Self.line(of: "int bump(", in: header)
        #expect(copies.allSatisfy { $0.file == "include/linux/bump.h" && $0.line == line }, "\(copies)")
        // The file-scope static of the header has two copies too, one per including file.
        #expect(
            object.symbols.filter { $0.name.hasPrefix("shared_state") }.map(\.file)
                == ["include/linux/bump.h", "include/linux/bump.h"])
    }

    /// Compressed module files (Debian ships .ko.xz; libdw 0.188 reads no zstd itself) give the same places, and
    /// DWARF that cannot be read costs the module its places, not its block.
    @Test func compressedAndBrokenDwarf() throws {
        let (_, build) = try Self.makeTree("dwarf-compressed")
        try Tool.check("gcc", ["-O2", "-g", "-c", "../../../fs/inode.c", "-o", "inode.ko"], cwd: build)
        guard case .module(let plain) = try DatabaseBuilder.readModule(path: "\(build)/inode.ko") else {
            Issue.record("not read as a module")
            return
        }
        #expect(plain.symbols.contains { $0.line != nil })
        try Tool.check("xz", ["-k", "inode.ko"], cwd: build)
        try Tool.check("zstd", ["-q", "inode.ko", "-o", "inode.ko.zst"], cwd: build)
        try Tool.check("gzip", ["-k", "inode.ko"], cwd: build)
        for name in ["inode.ko.xz", "inode.ko.zst", "inode.ko.gz"] {
            guard case .module(let object) = try DatabaseBuilder.readModule(path: "\(build)/\(name)") else {
                Issue.record("\(name) not read as a module")
                continue
            }
            #expect(object.symbols == plain.symbols, "\(name)")
            #expect(object.notes.isEmpty, "\(name): \(object.notes)")
        }

        // The unit header's version (bytes 4-5 of .debug_info) set to 99: libdw refuses the unit.
        // readelf -SW: "[ n] .debug_info PROGBITS <addr> <offset> <size> ..."
        let header = try #require(
            try Tool.check("readelf", ["-SW", "\(build)/inode.ko"]).split(separator: "\n")
                .first { $0.contains(" .debug_info ") })
        let columns = header[header.index(after: header.firstIndex(of: "]")!)...].split(separator: " ")
        let offset = try #require(Int(columns[3], radix: 16))
        var bytes = try FileIO.readAll(path: "\(build)/inode.ko")
        bytes[offset + 4] = 99
        bytes[offset + 5] = 0
        try FileIO.writeAtomically(bytes, to: "\(build)/broken.ko")
        guard case .module(let broken) = try DatabaseBuilder.readModule(path: "\(build)/broken.ko") else {
            Issue.record("the module with broken DWARF was not read")
            return
        }
        #expect(broken.symbols.map(\.name) == plain.symbols.map(\.name))
        #expect(broken.symbols.allSatisfy { $0.line == nil })
        #expect(broken.notes.count == 1 && broken.notes[0].hasPrefix("DWARF not read"), "\(broken.notes)")
    }

    @Test func withoutDebugInfoNothingChanges() throws {
        let (_, build) = try Self.makeTree("dwarf-none")
        try Tool.check("gcc", ["-O2", "-c", "../../../fs/inode.c", "-o", "inode.o"], cwd: build)
        guard case .module(let object) = try DatabaseBuilder.readModule(path: "\(build)/inode.o") else {
            Issue.record("not read as a module")
            return
        }
        #expect(object.symbols.allSatisfy { $0.line == nil && $0.address == nil })
        // STT_FILE base names, as before.
        #expect(object.symbols.first { $0.name == "counter" }?.file == "inode.c")
        let (bytes, _) = DatabaseWriter.render(BuiltDatabase(objects: [object]))
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(DatabaseWriter.header + "\n"))
        #expect(!String(decoding: bytes, as: UTF8.self).contains(EvidenceFormat.objectName))
    }

    @Test func treeRelativePaths() {
        let build = "/build/linux-6.1/debian/build/build_amd64_none_amd64"
        #expect(SourcePaths.treeRelative("../../../fs/inode.c", compilationDirectory: build) == "fs/inode.c")
        #expect(SourcePaths.treeRelative("/build/linux-6.1/fs/inode.c", compilationDirectory: build) == "fs/inode.c")
        #expect(
            SourcePaths.treeRelative("\(build)/arch/x86/entry/vdso.c", compilationDirectory: build)
                == "arch/x86/entry/vdso.c")
        #expect(
            SourcePaths.treeRelative("kernel/kallsyms.c", compilationDirectory: "/src/linux") == "kernel/kallsyms.c")
        #expect(SourcePaths.treeRelative("./a.c", compilationDirectory: "/tmp/x") == "a.c")
        // Outside the compilation folder and any kernel tree (an external module's source): the base name.
        #expect(SourcePaths.treeRelative("/opt/src/a.c", compilationDirectory: "/tmp/x") == "a.c")
    }
}
