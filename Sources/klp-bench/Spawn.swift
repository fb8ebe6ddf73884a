#if canImport(Glibc)
import Glibc
#endif

/// One finished child process: exit status, wall time from spawn to reaped, its peak resident set.
struct ChildRun {
    var status: Int32
    var milliseconds: Double
    /// ru_maxrss of the child, in bytes (Linux reports KiB).
    var peakResidentBytes: Int
    /// User + system CPU time of the child: less sensitive than wall time to other load on the machine.
    var cpuMilliseconds: Double
    var stderr: String
}

struct SpawnError: Error, CustomStringConvertible {
    let description: String
}

/// posix_spawn + wait4: no Foundation Process (its start-up and pipe handling would be part of the measurement),
/// stdout to `stdoutPath` (or /dev/null), stderr to a scratch file read back for error reports.
enum Spawn {
    static func run(_ executable: String, _ arguments: [String], stdoutPath: String = "/dev/null",
                    scratch: String) throws -> ChildRun {
        let stderrPath = scratch + "/child-stderr.txt"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        // An empty signal mask and default handlers, whatever the parent has.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid = pid_t()
        let start = nowMilliseconds()
        let spawned = argv.withUnsafeBufferPointer { buffer -> Int32 in
            guard let arguments = buffer.baseAddress else { return EINVAL }
            return posix_spawn(&pid, executable, &actions, &attributes, arguments, environ)
        }
        guard spawned == 0 else {
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else {
                throw SpawnError(description: "wait4 for \(executable) failed: \(String(cString: strerror(errno)))")
            }
        }
        let elapsed = nowMilliseconds() - start
        let exited = (status & 0x7f) == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let stderr = (try? readText(stderrPath)) ?? ""
        func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1_000 + Double(t.tv_usec) / 1_000 }
        return ChildRun(status: code, milliseconds: elapsed, peakResidentBytes: Int(usage.ru_maxrss) * 1024,
                        cpuMilliseconds: ms(usage.ru_utime) + ms(usage.ru_stime), stderr: stderr)
    }

    /// Runs and requires exit status 0.
    static func check(_ executable: String, _ arguments: [String], stdoutPath: String = "/dev/null",
                      scratch: String) throws -> ChildRun {
        let result = try run(executable, arguments, stdoutPath: stdoutPath, scratch: scratch)
        guard result.status == 0 else {
            throw SpawnError(description: "\(executable) \(arguments.joined(separator: " ")) exited with "
                + "\(result.status): \(result.stderr.prefix(2_000))")
        }
        return result
    }

    /// An executable on PATH, or nil.
    static func find(_ name: String) -> String? {
        guard let path = getenv("PATH").map({ String(cString: $0) }) else { return nil }
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
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
        let launcher = executableFolder() + "/klp-bench"
        _ = try Spawn.check(launcher, [flag, result, scratch, executable] + arguments, scratch: scratch)
        let text = try readText(result)
        let firstLine = text.prefix { $0 != "\n" }
        let fields = firstLine.split(separator: " ")
        guard fields.count == 4, let status = Int32(fields[0]), let ms = Double(fields[1]), let peak = Int(fields[2]),
              let cpu = Double(fields[3])
        else { throw SpawnError(description: "\(result): unexpected launcher output '\(firstLine)'") }
        let stderr = String(text.dropFirst(firstLine.count + 1))
        guard status == 0 else {
            throw SpawnError(description: "\(executable) \(arguments.joined(separator: " ")) exited with \(status): "
                + stderr.prefix(2_000))
        }
        return ChildRun(status: status, milliseconds: ms, peakResidentBytes: peak, cpuMilliseconds: cpu,
                        stderr: stderr)
    }

    /// The launcher side: `klp-bench --measure-child RESULT SCRATCH EXECUTABLE ARGUMENTS...`.
    static func launch(_ arguments: [String]) throws {
        guard arguments.count >= 3 else { throw SpawnError(description: "\(flag) RESULT SCRATCH EXECUTABLE [ARGS]") }
        let child = try Spawn.run(arguments[2], Array(arguments.dropFirst(3)), scratch: arguments[1])
        let text = "\(child.status) \(child.milliseconds) \(child.peakResidentBytes) \(child.cpuMilliseconds)\n"
            + child.stderr
        try FileIOBench.write(Array(text.utf8), to: arguments[0])
    }
}
