import KLPTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// One finished child process in the bench's units: exit status, wall time from spawn to reaped, its peak
/// resident set. Processes are started by KLPTestSupport's ChildProcess (posix_spawn + wait4, no Foundation).
struct ChildRun {
    var status: Int32
    var milliseconds: Double
    /// ru_maxrss of the child, in bytes (Linux reports KiB).
    var peakResidentBytes: Int
    /// User + system CPU time of the child: less sensitive than wall time to other load on the machine.
    var cpuMilliseconds: Double
    var stderr: String

    init(status: Int32, milliseconds: Double, peakResidentBytes: Int, cpuMilliseconds: Double, stderr: String) {
        self.status = status
        self.milliseconds = milliseconds
        self.peakResidentBytes = peakResidentBytes
        self.cpuMilliseconds = cpuMilliseconds
        self.stderr = stderr
    }

    init(_ run: ChildProcessResult) {
        self.init(
            status: run.status, milliseconds: run.seconds * 1_000, peakResidentBytes: run.peakResidentKB * 1024,
            cpuMilliseconds: run.cpuSeconds * 1_000, stderr: run.stderr)
    }

    /// Runs `executable` with stdout to `stdoutPath` (the bench never reads it) and requires exit status 0.
    static func check(_ executable: String, _ arguments: [String], stdoutPath: String = "/dev/null") throws
        -> ChildRun
    {
        ChildRun(try ChildProcess.check(executable, arguments, ChildProcess.Options(stdoutPath: stdoutPath)))
    }
}

func readText(_ path: String) throws -> String {
    let bytes = try FileIOBench.read(path)
    return String(decoding: bytes, as: UTF8.self)
}

/// Peak memory of a child needs a small parent: Linux's ru_maxrss of a spawned child starts from the RSS of the
/// address space it was cloned from (posix_spawn shares the parent's until exec), so a child of this bench, which
/// holds the generated workloads, would report the bench's own size. The bench therefore re-executes itself as
/// a launcher (`--measure-child`) before touching any data; the launcher spawns the program and writes
/// "status milliseconds peak-bytes cpu-milliseconds" and the child's stderr to a result file. Its own RSS at spawn time (the
/// Swift runtime, a few MB) is a floor below which a figure cannot go; every measured figure is well above it.
enum MeasuredSpawn {
    static let flag = "--measure-child"

    static func run(_ executable: String, _ arguments: [String], scratch: String) throws -> ChildRun {
        let result = scratch + "/child-result.txt"
        let launcher = BuiltProducts.path("klp-bench")
        _ = try ChildRun.check(launcher, [flag, result, executable] + arguments)
        let text = try readText(result)
        let firstLine = text.prefix { $0 != "\n" }
        let fields = firstLine.split(separator: " ")
        guard fields.count == 4, let status = Int32(fields[0]), let ms = Double(fields[1]), let peak = Int(fields[2]),
            let cpu = Double(fields[3])
        else { throw BenchError(description: "\(result): unexpected launcher output '\(firstLine)'") }
        let stderr = String(text.dropFirst(firstLine.count + 1))
        guard status == 0 else {
            throw BenchError(
                description: "\(executable) \(arguments.joined(separator: " ")) exited with \(status): "
                    + stderr.prefix(2_000))
        }
        return ChildRun(
            status: status, milliseconds: ms, peakResidentBytes: peak, cpuMilliseconds: cpu,
            stderr: stderr)
    }

    /// The launcher side: `klp-bench --measure-child RESULT EXECUTABLE ARGUMENTS...`.
    static func launch(_ arguments: [String]) throws {
        guard arguments.count >= 2 else { throw BenchError(description: "\(flag) RESULT EXECUTABLE [ARGS]") }
        let child = ChildRun(
            try ChildProcess.run(
                arguments[1], Array(arguments.dropFirst(2)),
                ChildProcess.Options(stdoutPath: "/dev/null")))
        let text =
            "\(child.status) \(child.milliseconds) \(child.peakResidentBytes) \(child.cpuMilliseconds)\n"
            + child.stderr
        try FileIOBench.write(Array(text.utf8), to: arguments[0])
    }
}
