import KLPEngine
import KLPSynthetic

// Growth with the size of a livepatch: each workload at three sizes, each twice the last, converted end to end by
// the release binary against a one-symbol database. Linear work doubles with the input; a quadratic step
// quadruples, and at these sizes (50,000 sections, 200,000 converted relocations) it cannot hide behind start-up.
// The target is 3x per doubling: linear work measures 1.7x to 2.5x here (caches, hash tables growing, the
// machine's other load), the quadratic steps this replaced measured 3.3x to 3.9x.
extension Bench {
    func growth(converter: String) throws {
        heading("growth per doubling (end to end, one-symbol symbols.klp; linear ~2x, quadratic ~4x)")
        let database = options.work + "/growth.klp"
        try FileIOBench.write(SyntheticGrowth.database(), to: database)
        let sections = [6_250, 12_500, 25_000].map { functions in
            (
                "\(Format.grouped(2 * functions + 4)) sections", functions,
                { SyntheticGrowth.manySections(functions: functions) }
            )
        }
        let calls = [50_000, 100_000, 200_000].map { count in
            ("\(Format.grouped(count)) calls in one function", count, { SyntheticGrowth.manyCalls(count) })
        }
        try growthSeries("many functions", sections, database: database, converter: converter)
        try growthSeries("many calls", calls, database: database, converter: converter)
    }

    private func growthSeries(
        _ name: String, _ sizes: [(String, Int, () -> ELFObject)], database: String,
        converter: String
    ) throws {
        var previous: (wall: Double, cpu: Double)?
        for (label, converted, make) in sizes {
            let input = options.work + "/growth.in.ko"
            let output = options.work + "/growth.out.ko"
            try FileIOBench.write(try ELFWriter.bytes(of: make()), to: input)
            var wall: [Double] = []
            var cpu: [Double] = []
            _ = try timeRuns(options.runs) {
                let child = try MeasuredSpawn.run(converter, [database, input, output], scratch: scratch)
                wall.append(child.milliseconds)
                cpu.append(child.cpuMilliseconds)
            }
            wall.removeFirst()
            cpu.removeFirst()
            // The output must hold every call as a klp relocation, or the figure measures something else.
            let result = try ELFObject.read(path: output)
            let moved = result.sections.filter { $0.flags.contains(.relaLivepatch) }.reduce(0) {
                $0 + $1.relocations.count
            }
            guard moved == converted else {
                throw BenchError(description: "\(label): \(moved) klp relocations in the output, expected \(converted)")
            }
            let (w, c) = (Samples(wall), Samples(cpu))
            var note = "CPU " + c.describe()
            if let previous {
                let cpuRatio = c.median / previous.cpu
                note +=
                    "; per doubling: wall " + Format.fixed(w.median / previous.wall, 2) + "x, "
                    + judge(
                        TargetCheck(
                            what: "\(name), CPU growth per doubling", value: cpuRatio, limit: 3,
                            unit: "x"))
            }
            row(label, w.describe(), note)
            previous = (w.median, c.median)
        }
    }
}
