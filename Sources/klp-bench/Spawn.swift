#if canImport(Glibc)
import Glibc
#endif

/// One finished child process: exit status, wall time from spawn to reaped, its peak resident set.
struct ChildRun {
    var status: Int32
    var milliseconds: Double
    /// ru_maxrss of the child, in bytes (Linux reports KiB).
    var peakResidentBytes: Int
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
        return ChildRun(status: code, milliseconds: elapsed, peakResidentBytes: Int(usage.ru_maxrss) * 1024,
                        stderr: stderr)
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
