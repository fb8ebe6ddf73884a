#if canImport(Glibc)
import Glibc
#endif
import KLPEngine
import KLPTUI

/// A project target and the figure it is judged on.
struct TargetCheck {
    let what: String
    let value: Double
    let limit: Double
    let unit: String

    var met: Bool { value <= limit }
    var verdict: String {
        let shown = unit == "x" ? Format.fixed(value, 2) + "x" : Format.fixed(value, 1) + " " + unit
        let target = unit == "x" ? Format.fixed(limit, 1) + "x" : Format.fixed(limit, 0) + " " + unit
        return "\(shown)  target \(target): \(met ? "met" : "MISSED")"
    }
}

final class Bench {
    let options: BenchOptions
    var targets: [TargetCheck] = []
    var scratch: String { options.work }

    init(options: BenchOptions) { self.options = options }

    func run() throws {
        let converter = options.converter ?? executableFolder() + "/klp-convert"
        guard access(converter, X_OK) == 0 else {
            throw SpawnError(description: "\(converter) not found: build it first with "
                + "`swift build -c release --product klp-convert` (scripts/bench.sh does both)")
        }
        printHeader(converter)

        heading("workloads (deterministic generators, KLPEngine/Synthetic)")
        let w = try Workloads.generate(in: options.work)
        row("symbols.klp", Format.size(w.databaseBytes), w.databaseDescription)
        row("small.ko", Format.size(w.small.bytes), w.small.description)
        row("large.ko", Format.size(w.large.bytes), w.large.description)
        row("generation", Format.fixed(w.generationMilliseconds, 0) + " ms", "")
        if options.checkWithReadelf {
            try ReadelfCheck.check(w.small.path, scratch: scratch)
            try ReadelfCheck.check(w.large.path, scratch: scratch)
            row("readelf", "clean", "`readelf -a -W` and `readelf --debug-dump=info` print no warning on either")
        }

        if options.wants("load") { try databaseLoad(w) }
        if options.wants("stages") { try stages(w.large, w) }
        if options.wants("convert") {
            let small = try endToEnd(w.small, w, converter: converter, name: "small")
            let large = try endToEnd(w.large, w, converter: converter, name: "large")
            try startup(converter)
            try floors(w, small: small, large: large)
            memory(w, small: small, large: large)
        }
        if options.wants("tui") { try tui(w) }
        if options.wants("build") { try build(w) }
        summary()
    }

    // MARK: output

    private func printHeader(_ converter: String) {
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M UTC", &parts)
        let date = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        print("klp-bench \(KLPVersion.tool)  \(date)  Linux \(release) \(machine), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs")
        print("figures: median [min .. max] of \(options.runs) runs after one warm-up; converter \(converter)")
        // Wall times include whatever else the machine runs: print its load so a reader can judge the figures.
        if let load = try? FileIOBench.readSmall("/proc/loadavg") {
            print("load average at start: \(load.split(separator: " ").prefix(3).joined(separator: " ")) "
                + "(wall times on a busy machine are inflated; CPU times much less so)")
        }
    }

    private func heading(_ text: String) {
        print("\n== \(text)")
    }

    private func row(_ label: String, _ value: String, _ note: String) {
        print("  " + Format.padded(label, 30) + Format.padded(value, 30) + note)
    }

    private func judge(_ check: TargetCheck) -> String {
        targets.append(check)
        return check.verdict
    }

    // MARK: figures

    private func databaseLoad(_ w: Workloads) throws {
        heading("database load, in process (SymbolDatabase.load, symbols.klp \(Format.size(w.databaseBytes)))")
        let megabytes = Double(w.databaseBytes) / 1_048_576
        func report(_ label: String, _ samples: Samples, _ note: String) {
            row(label, samples.describe(), Format.fixed(megabytes / (samples.median / 1_000), 0) + " MB/s  " + note)
        }
        var kept = 0
        let full = try timeRuns(options.runs) { kept = try SymbolDatabase.load(path: w.database).symbolCount }
        report("full", full, "\(Format.grouped(kept)) symbol lines kept")
        let large = try timeRuns(options.runs) {
            kept = try SymbolDatabase.load(path: w.database, only: w.large.undefinedNames).symbolCount
        }
        report("targeted (large.ko)", large, "\(w.large.undefinedNames.count) names, \(Format.grouped(kept)) lines kept")
        let small = try timeRuns(options.runs) {
            kept = try SymbolDatabase.load(path: w.database, only: w.small.undefinedNames).symbolCount
        }
        report("targeted (small.ko)", small, "\(w.small.undefinedNames.count) names, \(Format.grouped(kept)) lines kept")
    }

    /// Where the in-process time of a conversion goes, stage by stage (what klp-convert does, minus start-up).
    private func stages(_ lp: Workloads.Livepatch, _ w: Workloads) throws {
        heading("conversion stages in process (large.ko, the steps of `klp-convert convert`)")
        let output = options.work + "/stages.out.ko"
        var object = try ELFObject.read(path: lp.path)
        let read = try timeRuns(options.runs) { object = try ELFObject.read(path: lp.path) }
        row("read + parse ELF", read.describe(), Format.size(lp.bytes))
        var database = try SymbolDatabase.load(path: w.database, only: lp.undefinedNames)
        let load = try timeRuns(options.runs) {
            database = try SymbolDatabase.load(path: w.database, only: lp.undefinedNames)
        }
        row("targeted database load", load.describe(), "")
        var result = Converter(database: database).convert(object)
        let convert = timeRuns(options.runs) { result = Converter(database: database).convert(object) }
        guard let converted = result.output else {
            throw SpawnError(description: "the synthetic large livepatch does not convert: "
                + result.plan.diagnostics.errors.prefix(5).map(\.description).joined(separator: "; "))
        }
        row("plan + apply", convert.describe(), "\(result.plan.createdSections.reduce(0) { $0 + $1.relocationCount }) relocations moved into "
            + "\(result.plan.createdSections.count) klp sections")
        var bytes = try ELFWriter.bytes(of: converted)
        let encode = try timeRuns(options.runs) { bytes = try ELFWriter.bytes(of: converted) }
        row("plan layout + encode", encode.describe(), Format.size(bytes.count))
        let write = try timeRuns(options.runs) { try FileIO.writeAtomically(bytes, to: output) }
        row("atomic write (fsync)", write.describe(), "temporary file, fsync, rename, fsync folder")
        let total = read.median + load.median + convert.median + encode.median + write.median
        row("sum of medians", Format.fixed(total, 1) + " ms", "")
    }

    struct EndToEnd {
        let name: String
        let output: String
        let outputBytes: Int
        let time: Samples
        let cpu: Samples
        let peak: Samples
        let input: Workloads.Livepatch
    }

    private func endToEnd(_ lp: Workloads.Livepatch, _ w: Workloads, converter: String, name: String) throws
        -> EndToEnd
    {
        if name == "small" {
            heading("conversion end to end: posix_spawn(klp-convert symbols.klp in.ko out.ko) until reaped by wait4")
        }
        let output = options.work + "/\(name).out.ko"
        var peaks: [Double] = []
        let arguments = [w.database, lp.path, output]
        var times: [Double] = []
        var cpu: [Double] = []
        _ = try timeRuns(options.runs) {
            let child = try MeasuredSpawn.run(converter, arguments, scratch: scratch)
            peaks.append(Double(child.peakResidentBytes))
            times.append(child.milliseconds)
            cpu.append(child.cpuMilliseconds)
        }
        // Drop the warm-up; the times are the launcher's spawn-to-reaped figures.
        peaks.removeFirst()
        times.removeFirst()
        cpu.removeFirst()
        let time = Samples(times)
        if options.checkWithReadelf { try ReadelfCheck.check(output, scratch: scratch) }
        // The output must also pass the kernel loader's rules, positions checked against the database.
        _ = try Spawn.check(converter, ["check", "--symbols", w.database, output], scratch: scratch)
        let converted = try ELFObject.read(path: output)
        let klpSections = converted.sections.filter { $0.flags & SectionFlags.relaLivepatch != 0 }.count
        let klpSymbols = converted.symbols.filter { $0.section == .livepatch }.count
        let limit: Double? = name == "small" ? 50 : nil
        let note = "\(klpSymbols) klp symbols, \(klpSections) klp sections, `check --symbols` ok"
            + (limit.map { "; " + judge(TargetCheck(what: "small conversion, end to end", value: time.median,
                                                     limit: $0, unit: "ms")) } ?? "")
        row("\(name).ko", time.describe(), note)
        row("  CPU (user+sys)", Samples(cpu).describe(), "of the same runs: what the machine's other load cannot inflate")
        return EndToEnd(name: name, output: output, outputBytes: FileIOBench.size(output), time: time,
                        cpu: Samples(cpu), peak: Samples(peaks), input: lp)
    }

    /// The fixed cost of starting the binary (dynamic loading of the Swift runtime and Foundation).
    private func startup(_ converter: String) throws {
        var peak = 0
        var times: [Double] = []
        for _ in 0...options.runs {
            let child = try MeasuredSpawn.run(converter, ["--version"], scratch: scratch)
            times.append(child.milliseconds)
            peak = max(peak, child.peakResidentBytes)
        }
        row("klp-convert --version", Samples(Array(times.dropFirst())).describe(),
            "process start-up and exit, no work; peak RSS " + Format.size(peak))
        let launcher = try MeasuredSpawn.run("/bin/true", [], scratch: scratch)
        row("/bin/true", Format.fixed(launcher.milliseconds, 1) + " ms", "peak RSS " + Format.size(launcher.peakResidentBytes)
            + " (the launcher's floor for RSS figures)")
    }

    private func floors(_ w: Workloads, small: EndToEnd, large: EndToEnd) throws {
        heading("floor: the same bytes without conversion (read symbols.klp and in.ko, write out.ko's size)")
        guard let cat = Spawn.find("cat") else { throw SpawnError(description: "cat not found") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        for run in [small, large] {
            let floorOutput = options.work + "/\(run.name).floor.ko"
            // Two processes: cat the inputs to /dev/null, cat a file of the output's size to the output.
            var floorCPU: [Double] = []
            let process = try timeRuns(options.runs) {
                let read = try Spawn.check(cat, [w.database, run.input.path], scratch: scratch)
                let write = try Spawn.check(cat, [run.output], stdoutPath: floorOutput, scratch: scratch)
                floorCPU.append(read.cpuMilliseconds + write.cpuMilliseconds)
            }
            floorCPU.removeFirst()
            let outputBytes = try FileIOBench.read(run.output)
            let plain = try timeRuns(options.runs) {
                _ = try FileIOBench.readDiscarding(w.database, buffer: buffer)
                _ = try FileIOBench.readDiscarding(run.input.path, buffer: buffer)
                try FileIOBench.write(outputBytes, to: floorOutput)
            }
            let durable = try timeRuns(options.runs) {
                _ = try FileIOBench.readDiscarding(w.database, buffer: buffer)
                _ = try FileIOBench.readDiscarding(run.input.path, buffer: buffer)
                try FileIO.writeAtomically(outputBytes, to: floorOutput)
            }
            let inputs = Format.size(w.databaseBytes + run.input.bytes) + " in, " + Format.size(run.outputBytes) + " out"
            row("\(run.name): cat, 2 processes", process.describe(), inputs)
            row("  CPU (user+sys)", Samples(floorCPU).describe(), "of the same runs")
            row("\(run.name): read+write", plain.describe(), "in process, no fsync")
            row("\(run.name): read+atomic write", durable.describe(), "in process, fsync + rename as klp-convert")
            let ratio = run.time.median / process.median
            let note: String
            if run.name == "large" {
                note = judge(TargetCheck(what: "large conversion / floor (cat)", value: ratio, limit: 3, unit: "x"))
            } else {
                note = Format.fixed(ratio, 2) + "x (no ratio target; the small target is 50 ms)"
            }
            row("\(run.name): ratio to cat", "", note)
            row("\(run.name): ratio to atomic", "", Format.fixed(run.time.median / durable.median, 2)
                + "x the in-process floor with the same fsync/rename")
            row("\(run.name): CPU ratio to cat", "", Format.fixed(run.cpu.median / Samples(floorCPU).median, 2)
                + "x (CPU time of klp-convert / CPU time of the two cats)")
        }
    }

    private func memory(_ w: Workloads, small: EndToEnd, large: EndToEnd) {
        heading("peak memory of klp-convert (ru_maxrss from wait4) against the input bytes")
        for run in [small, large] {
            let inputs = w.databaseBytes + run.input.bytes
            let ratio = run.peak.median / Double(inputs)
            let mb = Samples(run.peak.values.map { $0 / 1_048_576 })
            row("\(run.name).ko", mb.describe(unit: "MB"), "inputs " + Format.size(inputs) + ": "
                + judge(TargetCheck(what: "\(run.name) conversion peak RSS / input bytes", value: ratio, limit: 4,
                                    unit: "x")))
        }
    }

    private func tui(_ w: Workloads) throws {
        heading("TUI on the full database (TUIBenchmark: workspace load, reducer and renderer into a 120x40 in-memory screen)")
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
        row("first frame", firstFrame.describe(), judge(TargetCheck(what: "TUI time to first frame", value: firstFrame.median,
                                                                    limit: 200, unit: "ms")))
        row("  of which", "", "read \(Format.fixed(report.readMilliseconds, 1)) ms, parse \(Format.fixed(report.parseMilliseconds, 1)) ms, "
            + "search index \(Format.fixed(report.indexMilliseconds, 1)) ms, built in the background and ready "
            + "\(Format.fixed(report.indexWaitMilliseconds, 1)) ms after the first frame (last run; "
            + "\(Format.grouped(report.databaseLines)) lines)")
        row("search keystroke", Samples(keystrokes).describe(), "all \(keystrokes.count) keystrokes of \(runs) runs (reduce + render)")
        let slowest = Samples(worst)
        row("slowest keystroke per run", slowest.describe(), judge(TargetCheck(what: "TUI filtering, slowest keystroke",
                                                                               value: slowest.median, limit: 16, unit: "ms")))
    }

    private func build(_ w: Workloads) throws {
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
        row("tree", Format.size(moduleBytes), "System.map + \(Format.grouped(modules)) modules (\(Format.size(moduleBytes / max(1, modules))) each) "
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
        row("build (2 jobs)", time.describe(), "\(runs) runs; \(Format.fixed(Double(modules) / (time.median / 1_000), 0)) modules/s, "
            + "\(Format.fixed(Double(moduleBytes) / 1_048_576 / (time.median / 1_000), 0)) MB/s of input")
        row("built symbols.klp", Format.size(result.bytes.count), "\(Format.grouped(database.symbolCount)) symbol lines, "
            + "\(Format.grouped(database.objectNames.count)) objects, \(result.moduleFilesRead) module files read, "
            + "\(result.issues.count) issues")
    }

    private func summary() {
        heading("targets")
        for t in targets { row(t.met ? "met" : "MISSED", "", t.what + ": " + t.verdict) }
        let missed = targets.filter { !$0.met }.count
        print("\n\(targets.count - missed) of \(targets.count) targets met")
    }
}
