import KLPEngine
import KLPTestSupport

#if canImport(Glibc)
import Glibc
#endif

// Conversion figures: in-process stages, end to end through the release binary, start-up, the I/O floor, and
// peak memory.
extension Bench {
    /// Where the in-process time of a conversion goes, stage by stage (what klp-convert does, minus start-up).
    func stages(_ lp: Workloads.Livepatch, _ w: Workloads) throws {
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
            throw BenchError(
                description: "the synthetic large livepatch does not convert: "
                    + result.plan.diagnostics.errors.prefix(5).map(\.description).joined(separator: "; "))
        }
        row(
            "plan + apply", convert.describe(),
            "\(result.plan.createdSections.reduce(0) { $0 + $1.relocationCount }) relocations moved into "
                + "\(result.plan.createdSections.count) klp sections")
        var bytes = try ELFWriter.bytes(of: converted)
        let encode = try timeRuns(options.runs) { bytes = try ELFWriter.bytes(of: converted) }
        row("plan layout + encode", encode.describe(), Format.size(bytes.count))
        let write = try timeRuns(options.runs) { try FileIO.writeAtomically(bytes, to: output) }
        row("atomic write (fsync)", write.describe(), "temporary file, fsync, rename, fsync folder")
        let total = read.median + load.median + convert.median + encode.median + write.median
        row("sum of medians", Format.fixed(total, 1) + " ms", "")
        // What the CLI does instead of the last two rows: the planned file streamed into the temporary file.
        let streamed = try timeRuns(options.runs) { try ELFWriter.plan(converted).write(to: output) }
        row("plan layout + streamed write", streamed.describe(), "the CLI's path: no whole-file buffer, same fsync")
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

    func endToEnd(_ lp: Workloads.Livepatch, _ w: Workloads, converter: String, name: String) throws
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
        _ = try ChildRun.check(converter, ["check", "--symbols", w.database, output])
        let converted = try ELFObject.read(path: output)
        let klpSections = converted.sections.filter { $0.flags.contains(.relaLivepatch) }.count
        let klpSymbols = converted.symbols.filter { $0.section == .livepatch }.count
        let limit: Double? = name == "small" ? 50 : nil
        let note =
            "\(klpSymbols) klp symbols, \(klpSections) klp sections, `check --symbols` ok"
            + (limit.map {
                "; "
                    + judge(
                        TargetCheck(
                            what: "small conversion, end to end", value: time.median,
                            limit: $0, unit: "ms"))
            } ?? "")
        row("\(name).ko", time.describe(), note)
        row(
            "  CPU (user+sys)", Samples(cpu).describe(),
            "of the same runs: what the machine's other load cannot inflate")
        return EndToEnd(
            name: name, output: output, outputBytes: FileIOBench.size(output), time: time,
            cpu: Samples(cpu), peak: Samples(peaks), input: lp)
    }

    /// The fixed cost of starting the binary (dynamic loading of the Swift runtime and Foundation).
    func startup(_ converter: String) throws {
        var peak = 0
        var times: [Double] = []
        for _ in 0...options.runs {
            let child = try MeasuredSpawn.run(converter, ["--version"], scratch: scratch)
            times.append(child.milliseconds)
            peak = max(peak, child.peakResidentBytes)
        }
        row(
            "klp-convert --version", Samples(Array(times.dropFirst())).describe(),
            "process start-up and exit, no work; peak RSS " + Format.size(peak))
        let launcher = try MeasuredSpawn.run("/bin/true", [], scratch: scratch)
        row(
            "/bin/true", Format.fixed(launcher.milliseconds, 1) + " ms",
            "peak RSS " + Format.size(launcher.peakResidentBytes)
                + " (the launcher's floor for RSS figures)")
    }

    func floors(_ w: Workloads, small: EndToEnd, large: EndToEnd) throws {
        heading("floor: the same bytes without conversion (read symbols.klp and in.ko, write out.ko's size)")
        guard let cat = Tool.find("cat") else { throw BenchError(description: "cat not found") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        for run in [small, large] {
            let floorOutput = options.work + "/\(run.name).floor.ko"
            // Two processes: cat the inputs to /dev/null, cat a file of the output's size to the output.
            var floorCPU: [Double] = []
            let process = try timeRuns(options.runs) {
                let read = try ChildRun.check(cat, [w.database, run.input.path])
                let write = try ChildRun.check(cat, [run.output], stdoutPath: floorOutput)
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
            let inputs =
                Format.size(w.databaseBytes + run.input.bytes) + " in, " + Format.size(run.outputBytes) + " out"
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
            row(
                "\(run.name): ratio to atomic", "",
                Format.fixed(run.time.median / durable.median, 2)
                    + "x the in-process floor with the same fsync/rename")
            row(
                "\(run.name): CPU ratio to cat", "",
                Format.fixed(run.cpu.median / Samples(floorCPU).median, 2)
                    + "x (CPU time of klp-convert / CPU time of the two cats)")
        }
    }

    func memory(_ w: Workloads, small: EndToEnd, large: EndToEnd) {
        heading("peak memory of klp-convert (ru_maxrss from wait4) against the input bytes")
        for run in [small, large] {
            let inputs = w.databaseBytes + run.input.bytes
            let ratio = run.peak.median / Double(inputs)
            let mb = Samples(run.peak.values.map { $0 / 1_048_576 })
            row(
                "\(run.name).ko", mb.describe(unit: "MB"),
                "inputs " + Format.size(inputs) + ": "
                    + judge(
                        TargetCheck(
                            what: "\(run.name) conversion peak RSS / input bytes", value: ratio, limit: 4,
                            unit: "x")))
        }
    }
}
