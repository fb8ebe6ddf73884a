import KLPEngine
import KLPSynthetic
import KLPTestSupport

/// The generated inputs, written to the work folder: a distribution-size symbols.klp and two livepatches built
/// against it.
struct Workloads {
    struct Livepatch {
        let path: String
        let bytes: Int
        let summary: SyntheticLivepatch.Summary
        /// The names the livepatch leaves undefined (what klp-convert's targeted load keeps).
        let undefinedNames: Set<String>
    }

    let folder: String
    let database: String
    let databaseBytes: Int
    let databaseDescription: String
    let small: Livepatch
    let large: Livepatch
    let generationMilliseconds: Double

    static func generate(in folder: String) throws -> Workloads {
        let start = nowMilliseconds()
        try FileIOBench.makeDirectory(folder)
        let databasePath = folder + "/symbols.klp"
        let bytes = SyntheticSymbolList.make(.distribution())
        try FileIOBench.write(bytes, to: databasePath)
        let database = try SymbolDatabase.load(path: databasePath)
        let description = describe(database)

        func livepatch(_ shape: SyntheticLivepatch.Shape, _ file: String) throws -> Livepatch {
            let (object, summary) = SyntheticLivepatch.make(shape, database: database)
            let encoded = try ELFWriter.bytes(of: object)
            let path = folder + "/" + file
            try FileIOBench.write(encoded, to: path)
            let names = Set(object.symbols.filter(\.isUndefined).map(\.name))
            return Livepatch(path: path, bytes: encoded.count, summary: summary, undefinedNames: names)
        }
        let small = try livepatch(.small, "small.ko")
        let large = try livepatch(.large, "large.ko")
        return Workloads(
            folder: folder, database: databasePath, databaseBytes: bytes.count,
            databaseDescription: description, small: small, large: large,
            generationMilliseconds: nowMilliseconds() - start)
    }

    /// Objects, symbol lines, and how homonymous the names are.
    private static func describe(_ database: SymbolDatabase) -> String {
        let vmlinux = database.candidates(inObject: "vmlinux").count
        var most = 0
        var mostName = ""
        var over10 = 0
        var over100 = 0
        for id in database.allNameIDs {
            let lines = database.lineCount(of: id)
            if lines > 10 { over10 += 1 }
            if lines > 100 { over100 += 1 }
            if lines > most {
                most = lines
                mostName = database.name(of: id)
            }
        }
        return "\(Format.grouped(vmlinux)) vmlinux + \(Format.grouped(database.symbolCount - vmlinux)) module "
            + "symbol lines in \(Format.grouped(database.objectNames.count - 1)) modules, "
            + "\(Format.grouped(database.uniqueNameCount)) distinct names; \(over10) names with >10 copies, "
            + "\(over100) with >100 (most: \(mostName) \(Format.grouped(most)))"
    }
}

extension Workloads.Livepatch {
    var description: String {
        "\(summary.undefinedSymbols) undefined symbols (\(summary.exported) exported by vmlinux, "
            + "\(summary.annotated) annotated homonyms), \(summary.references) references, patches "
            + "\(summary.patchedObjects.joined(separator: ", ")); \(Format.grouped(summary.debugRelocations)) "
            + "debug-info relocations"
    }
}

/// binutils readelf must read every generated or converted object without a warning.
enum ReadelfCheck {
    static func check(_ path: String, scratch: String, debugInfo: Bool = true) throws {
        guard let readelf = Tool.find("readelf") else {
            throw BenchError(description: "readelf not found: install binutils (the bench checks its inputs with it)")
        }
        for arguments in [["-a", "-W", path]] + (debugInfo ? [["--debug-dump=info", path]] : []) {
            let run = ChildRun(try ChildProcess.run(readelf, arguments, ChildProcess.Options(stdoutPath: "/dev/null")))
            guard run.status == 0, run.stderr.isEmpty else {
                throw BenchError(
                    description: "readelf \(arguments.joined(separator: " ")) complains (exit "
                        + "\(run.status)): \(run.stderr.prefix(2_000))")
            }
        }
    }
}
