import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

/// Builds kernel-module-like relocatable objects from C text with gcc (and `ld -r` for several files), the way
/// kbuild compiles a livepatch: -fno-pic -mcmodel=kernel, one object per file, joined by the linker.
public enum CObject {
    /// examples/klp_macros.h in the source checkout: the one klp annotation header (reference §2.1) that the
    /// example, the fixtures and the fuzz seeds include too.
    public static let annotationHeaderPath = RepositoryPaths.root + "/examples/klp_macros.h"

    /// The gcc option that finds the header, and the line that includes it.
    public static let includeFlag: String = {
        let path = annotationHeaderPath
        return "-I" + String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }()
    public static let includeLine = "#include \"klp_macros.h\""

    public static let flags = [
        "-O2", "-c", "-fno-pic", "-mcmodel=kernel", "-fno-asynchronous-unwind-tables",
        "-fno-stack-protector", "-w",
    ]

    /// Compiles each source (name -> C text, with the annotation header and MODULE_INFO(livepatch, "Y")) and
    /// links them into one object; returns its path.
    public static func build(_ sources: [(String, String)], extraFlags: [String] = [], in dir: String? = nil) throws
        -> String
    {
        let dir = try dir ?? TemporaryDirectory.make("cobj")
        var objects: [String] = []
        for (name, text) in sources {
            let source = includeLine + "\nMODULE_INFO(livepatch, \"Y\");\n" + text
            try FileIO.writeAtomically(Array(source.utf8), to: "\(dir)/\(name).c")
            try Tool.check("gcc", flags + extraFlags + [includeFlag, "\(name).c", "-o", "\(name).o"], cwd: dir)
            objects.append("\(name).o")
        }
        if objects.count == 1 { return "\(dir)/\(objects[0])" }
        try Tool.check("ld", ["-r", "-o", "joined.o"] + objects, cwd: dir)
        return "\(dir)/joined.o"
    }

    public static func database(_ text: String, in dir: String) throws -> SymbolDatabase {
        let path = "\(dir)/symbols.klp"
        try FileIO.writeAtomically(Array(text.utf8), to: path)
        return try SymbolDatabase.load(path: path)
    }
}
