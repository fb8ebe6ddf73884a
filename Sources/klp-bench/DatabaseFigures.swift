import KLPDatabaseBuilder
import KLPEngine
import KLPSynthetic
import KLPTUI

#if canImport(Glibc)
import Glibc
#endif

// Database figures: load (full and targeted), the TUI on the full database, and the build from a module tree.
extension Bench {
    func databaseLoad(_ w: Workloads) throws {
        heading("database load, in process (SymbolDatabase.load, symbols.klp \(Format.size(w.databaseBytes)))")
        let megabytes = Double(w.databaseBytes) / 1_048_576
        // CPU time of the whole process (every thread) per load, warm-up run included: on a busy machine the
        // wall time measures the other load too, the CPU time much less so.
        func measured(_ body: () throws -> Void) rethrows -> (Samples, Double) {
            let before = processCPUMilliseconds()
            let samples = try timeRuns(options.runs, body)
            return (samples, (processCPUMilliseconds() - before) / Double(options.runs + 1))
        }
        func report(_ label: String, _ measured: (Samples, Double), _ note: String, megabytes: Double = megabytes) {
            let (samples, cpu) = measured
            row(
                label, samples.describe(),
                Format.fixed(megabytes / (samples.median / 1_000), 0) + " MB/s, CPU " + Format.fixed(cpu, 1)
                    + " ms  " + note)
        }
        var kept = 0
        let full = try measured { kept = try SymbolDatabase.load(path: w.database).symbolCount }
        report("full", full, "\(Format.grouped(kept)) symbol lines kept")
        let large = try measured {
            kept = try SymbolDatabase.load(path: w.database, only: w.large.undefinedNames).symbolCount
        }
        report(
            "targeted (large.ko)", large, "\(w.large.undefinedNames.count) names, \(Format.grouped(kept)) lines kept")
        let small = try measured {
            kept = try SymbolDatabase.load(path: w.database, only: w.small.undefinedNames).symbolCount
        }
        report(
            "targeted (small.ko)", small, "\(w.small.undefinedNames.count) names, \(Format.grouped(kept)) lines kept")
        // The same symbols as kbuild writes them (nm's name order, no order attribute, no `-<file>` lines): the
        // order is never decided, so every line takes the scanner's Swift path, not the targeted C loop.
        let sorted = options.work + "/name-sorted.klp"
        let sortedBytes = Self.nameSorted(try FileIOBench.read(w.database))
        try FileIOBench.write(sortedBytes, to: sorted)
        let sortedLarge = try measured {
            kept = try SymbolDatabase.load(path: sorted, only: w.large.undefinedNames).symbolCount
        }
        report(
            "targeted, name-sorted file", sortedLarge,
            "large.ko's \(w.large.undefinedNames.count) names, \(Format.grouped(kept)) lines kept, "
                + Format.size(sortedBytes.count),
            megabytes: Double(sortedBytes.count) / 1_048_576)
    }

    /// `database` as kbuild's nm output would have it: each object's symbol lines in byte order, without the
    /// header's attributes and the `-<file>` lines.
    static func nameSorted(_ database: [UInt8]) -> [UInt8] {
        var lines = database.split(separator: 10, omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return database }
        lines.removeFirst()
        var result = Array("klp-convert-symbol-data.0.1\n".utf8)
        var block: [ArraySlice<UInt8>] = []
        func flush() {
            block.sort { $0.lexicographicallyPrecedes($1) }
            for line in block {
                result += line
                result.append(10)
            }
            block.removeAll(keepingCapacity: true)
        }
        for line in lines {
            switch line.first {
            case UInt8(ascii: "*"):
                flush()
                result += line
                result.append(10)
            case UInt8(ascii: "-"): continue
            default: block.append(line)
            }
        }
        flush()
        return result
    }

    func tui(_ w: Workloads) throws {
        heading(
            "TUI on the full database (TUIBenchmark: workspace load, reducer and renderer into a 120x40 in-memory screen)"
        )
        // Each run generates and loads its own distribution-size symbols.klp, so a few runs suffice.
        let runs = min(options.runs, 5)
        var first: [Double] = []
        var keystrokes: [Double] = []
        var worst: [Double] = []
        var report: TUIBenchmark.Report?
        for _ in 0..<runs {
            let r = try TUIBenchmark.run()
            first.append(r.firstFrameMilliseconds)
            keystrokes += r.databaseKeystrokes.map(\.1)
            worst.append(r.worstDatabaseKeystroke)
            report = r
        }
        guard let report else { return }
        let firstFrame = Samples(first)
        row(
            "first frame", firstFrame.describe(),
            judge(
                TargetCheck(
                    what: "TUI time to first frame", value: firstFrame.median,
                    limit: 200, unit: "ms")))
        row(
            "  of which", "",
            "read \(Format.fixed(report.readMilliseconds, 1)) ms, parse \(Format.fixed(report.parseMilliseconds, 1)) ms, "
                + "search index \(Format.fixed(report.indexMilliseconds, 1)) ms, built in the background and ready "
                + "\(Format.fixed(report.indexWaitMilliseconds, 1)) ms after the first frame (last run; "
                + "\(Format.grouped(report.databaseLines)) lines)")
        row(
            "search keystroke", Samples(keystrokes).describe(),
            "all \(keystrokes.count) keystrokes of \(runs) runs (reduce + render)")
        let slowest = Samples(worst)
        row(
            "slowest keystroke per run", slowest.describe(),
            judge(
                TargetCheck(
                    what: "TUI filtering, slowest keystroke",
                    value: slowest.median, limit: 16, unit: "ms")))
    }

    func build(_ w: Workloads) throws {
        heading("database build from a module tree (DatabaseBuilder.build: System.map + a tree of .ko files)")
        let started = nowMilliseconds()
        let root = options.work + "/tree"
        let files = try SyntheticModuleTree.make(.distribution)
        var folders = Set<String>()
        var moduleBytes = 0
        for file in files {
            let path = root + "/" + file.path
            if let slash = path.lastIndex(of: "/") {
                let folder = String(path[..<slash])
                if folders.insert(folder).inserted { try FileIOBench.makeDirectory(folder) }
            }
            try FileIOBench.write(file.bytes, to: path)
            moduleBytes += file.bytes.count
        }
        let modules = files.count - 1
        row(
            "tree", Format.size(moduleBytes),
            "System.map + \(Format.grouped(modules)) modules (\(Format.size(moduleBytes / max(1, modules))) each) "
                + "in \(folders.count) folders, generated in \(Format.fixed(nowMilliseconds() - started, 0)) ms")
        if options.checkWithReadelf, let sample = files.dropFirst().first {
            try ReadelfCheck.check(root + "/" + sample.path, scratch: scratch, debugInfo: false)
        }
        let inputs = DatabaseBuildInputs(modules: [root + "/kernel"], systemMap: root + "/System.map", jobs: 2)
        var result: DatabaseBuildResult?
        let runs = min(options.runs, 5)
        let time = try timeRuns(runs) { result = try DatabaseBuilder.build(inputs) }
        guard let result else { return }
        let database = try SymbolDatabase.parse(bytes: result.bytes, path: "built symbols.klp")
        row(
            "build (2 jobs)", time.describe(),
            "\(runs) runs; \(Format.fixed(Double(modules) / (time.median / 1_000), 0)) modules/s, "
                + "\(Format.fixed(Double(moduleBytes) / 1_048_576 / (time.median / 1_000), 0)) MB/s of input")
        row(
            "built symbols.klp", Format.size(result.bytes.count),
            "\(Format.grouped(database.symbolCount)) symbol lines, "
                + "\(Format.grouped(database.objectNames.count)) objects, \(result.moduleFilesRead) module files read, "
                + "\(result.issues.count) issues")
    }
}

/// User plus system CPU time of this process so far (all threads), in milliseconds.
func processCPUMilliseconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1_000 + Double(t.tv_usec) / 1_000 }
    return ms(usage.ru_utime) + ms(usage.ru_stime)
}
