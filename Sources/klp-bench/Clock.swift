#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time in milliseconds.
func nowMilliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) * 1_000 + Double(t.tv_nsec) / 1_000_000
}

/// Runs `body` `runs` times (after `warmup` unmeasured runs) and returns the wall time of each run in ms.
func timeRuns(_ runs: Int, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Samples {
    for _ in 0..<warmup { try body() }
    var values: [Double] = []
    for _ in 0..<runs {
        let start = nowMilliseconds()
        try body()
        values.append(nowMilliseconds() - start)
    }
    return Samples(values)
}

/// Repeated measurements of one quantity.
struct Samples {
    let values: [Double]
    init(_ values: [Double]) { self.values = values.sorted() }

    var median: Double {
        guard !values.isEmpty else { return .nan }
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }
    var min: Double { values.first ?? .nan }
    var max: Double { values.last ?? .nan }

    /// "12.3 ms [11.9 .. 14.0]"
    func describe(unit: String = "ms", digits: Int = 1) -> String {
        "\(Format.fixed(median, digits)) \(unit) [\(Format.fixed(min, digits)) .. \(Format.fixed(max, digits))]"
    }

    /// Element-wise sum of two series measured the same number of times, run by run.
    static func + (a: Samples, b: Samples) -> Samples {
        Samples(zip(a.values, b.values).map { $0 + $1 })
    }
}
