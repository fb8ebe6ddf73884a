import Foundation
import KLPEngine

/// Builds kernel-module-like relocatable objects from C text with gcc (and `ld -r` for several files), the way
/// kbuild compiles a livepatch: -fno-pic -mcmodel=kernel, one object per file, joined by the linker.
public enum CObject {
    /// The upstream series' annotation macros (reference §2.1), read from the one header the examples, fuzz seeds
    /// and fixtures include; each source also gets MODULE_INFO(livepatch, "Y").
    public static let klpHeader: String = {
        let path = annotationHeaderPath
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            fatalError("\(path): cannot read the klp annotation header the test objects are built with")
        }
        return text
    }()

    /// examples/klp_macros.h in the source checkout, found from this file's location.
    public static let annotationHeaderPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // KLPTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
        .appendingPathComponent("examples/klp_macros.h").path

    public static let flags = ["-O2", "-c", "-fno-pic", "-mcmodel=kernel", "-fno-asynchronous-unwind-tables",
                               "-fno-stack-protector", "-w"]

    /// Compiles each source (name -> C text) and links them into one object; returns its path.
    public static func build(_ sources: [(String, String)], extraFlags: [String] = [], in dir: String? = nil) throws
        -> String
    {
        let dir = try dir ?? TemporaryDirectory.make("cobj")
        try klpHeader.write(toFile: "\(dir)/klp.h", atomically: true, encoding: .utf8)
        var objects: [String] = []
        for (name, text) in sources {
            let source = "#include \"klp.h\"\nMODULE_INFO(livepatch, \"Y\");\n" + text
            try source.write(toFile: "\(dir)/\(name).c", atomically: true, encoding: .utf8)
            try Tool.check("gcc", flags + extraFlags + ["\(name).c", "-o", "\(name).o"], cwd: dir)
            objects.append("\(name).o")
        }
        if objects.count == 1 { return "\(dir)/\(objects[0])" }
        try Tool.check("ld", ["-r", "-o", "joined.o"] + objects, cwd: dir)
        return "\(dir)/joined.o"
    }

    public static func database(_ text: String, in dir: String) throws -> SymbolDatabase {
        let path = "\(dir)/symbols.klp"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try SymbolDatabase.load(path: path)
    }
}
