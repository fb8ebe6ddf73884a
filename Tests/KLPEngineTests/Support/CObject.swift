import Foundation
@testable import KLPEngine

/// Builds kernel-module-like relocatable objects from C text with gcc (and `ld -r` for several files), the way
/// kbuild compiles a livepatch: -fno-pic -mcmodel=kernel, one object per file, joined by the linker.
enum CObject {
    /// The upstream series' annotation macros (reference §2.1): 12-byte packed records in
    /// .klp.module_relocs.<obj>; KLP_SYMPOS stores &sym (relocated) and the position.
    static let klpHeader = """
    struct klp_module_reloc {
        union { void *sym; unsigned long long sym64; };
        unsigned int sympos;
    } __attribute__((packed));
    #define KLP_MODULE_RELOC(obj) struct klp_module_reloc __attribute__((section(".klp.module_relocs." #obj), aligned(4), used))
    #define KLP_SYMPOS(s, p) { { .sym = (void *)&s }, p }
    __attribute__((section(".modinfo"), used)) static const char klp_modinfo_livepatch[] = "livepatch=Y";
    """

    static let flags = ["-O2", "-c", "-fno-pic", "-mcmodel=kernel", "-fno-asynchronous-unwind-tables",
                        "-fno-stack-protector", "-w"]

    /// Compiles each source (name -> C text) and links them into one object; returns its path.
    static func build(_ sources: [(String, String)], extraFlags: [String] = [], in dir: String? = nil) throws -> String {
        let dir = try dir ?? Shell.temporaryDirectory("cobj")
        try klpHeader.write(toFile: "\(dir)/klp.h", atomically: true, encoding: .utf8)
        var objects: [String] = []
        for (name, text) in sources {
            try ("#include \"klp.h\"\n" + text).write(toFile: "\(dir)/\(name).c", atomically: true, encoding: .utf8)
            try Shell.check("gcc", flags + extraFlags + ["\(name).c", "-o", "\(name).o"], cwd: dir)
            objects.append("\(name).o")
        }
        if objects.count == 1 { return "\(dir)/\(objects[0])" }
        try Shell.check("ld", ["-r", "-o", "joined.o"] + objects, cwd: dir)
        return "\(dir)/joined.o"
    }

    static func database(_ text: String, in dir: String) throws -> SymbolDatabase {
        let path = "\(dir)/symbols.klp"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try SymbolDatabase.load(path: path)
    }
}
