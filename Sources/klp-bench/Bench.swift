import KLPDatabaseBuilder
import KLPEngine
import KLPSynthetic
import KLPTestSupport

#if canImport(Glibc)
import Glibc
#endif

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
        let converter = options.converter ?? BuiltProducts.klpConvert
        guard access(converter, X_OK) == 0 else {
            throw BenchError(
                description: "\(converter) not found: build it first with "
                    + "`swift build -c release --product klp-convert` (scripts/bench.sh does both)")
        }
        printHeader(converter)
        if options.wants("growth") { try growth(converter: converter) }
        // Growth needs none of the distribution-size inputs: do not generate them for it alone.
        if options.only == ["growth"] { return summary() }

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
        print(
            "klp-bench \(KLPVersion.tool)  \(date)  Linux \(release) \(machine), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs"
        )
        print("figures: median [min .. max] of \(options.runs) runs after one warm-up; converter \(converter)")
        // Wall times include whatever else the machine runs: print its load so a reader can judge the figures.
        if let load = try? FileIOBench.readSmall("/proc/loadavg") {
            print(
                "load average at start: \(load.split(separator: " ").prefix(3).joined(separator: " ")) "
                    + "(wall times on a busy machine are inflated; CPU times much less so)")
        }
    }

    func heading(_ text: String) {
        print("\n== \(text)")
    }

    func row(_ label: String, _ value: String, _ note: String) {
        print("  " + Format.padded(label, 30) + Format.padded(value, 30) + note)
    }

    func judge(_ check: TargetCheck) -> String {
        targets.append(check)
        return check.verdict
    }

    // MARK: figures

    private func summary() {
        heading("targets")
        for t in targets { row(t.met ? "met" : "MISSED", "", t.what + ": " + t.verdict) }
        let missed = targets.filter { !$0.met }.count
        print("\n\(targets.count - missed) of \(targets.count) targets met")
    }
}
