import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

/// How one child process ended, and what it cost.
public struct ChildProcessResult: Sendable {
    /// The exit status when the child exited, nil when a signal ended it.
    public var exitStatus: Int32?
    /// The signal that ended the child, nil when it exited.
    public var signal: Int32?
    /// Wall time from posix_spawn until the child was reaped.
    public var seconds: Double
    /// User + system CPU time of the child: less sensitive than wall time to other load on the machine.
    public var cpuSeconds: Double
    /// ru_maxrss of the child in KiB (what Linux reports).
    public var peakResidentKB: Int
    /// What the child wrote to stdout ("" when it went to `Options.stdoutPath`).
    public var stdout: String
    public var stderr: String

    /// The shell's convention: the exit status, or 128 + the signal number.
    public var status: Int32 { exitStatus ?? 128 + (signal ?? 0) }
    /// stdout then stderr, for messages that show everything the tool said.
    public var output: String { stdout + stderr }
}

/// The one way tests and benchmarks start a program: posix_spawn and wait4, never Foundation's Process.
///
/// Process hangs a test run when the child daemonises (tmux): the child inherits the test thread's blocked
/// signal mask, and the daemon keeps Process's pipes open (swift-toolchain-notes.md). So the child gets an empty
/// signal mask and default handlers, stdin from /dev/null, no descriptor of ours beyond 0-2, and stdout and
/// stderr in files (a chatty tool cannot block on a full pipe), read once the child is reaped.
/// No Foundation here: klp-bench runs this too, and its peak-memory figures start from its own size.
public enum ChildProcess {
    public struct Options: Sendable {
        /// Working directory of the child; nil keeps ours.
        public var directory: String?
        /// Variables set (or replaced) in the child's environment; the rest is inherited.
        public var environment: [String: String]
        /// Kill the child with SIGKILL after this many seconds; nil waits as long as it takes (and polls nothing).
        public var timeout: Double?
        /// Address-space limit (`ulimit -v`, applied by a /bin/sh around the program so ours stays as it is).
        public var memoryLimitMB: Int?
        /// Where the child's stdout goes instead of being captured ("/dev/null", or a file it writes).
        public var stdoutPath: String?

        public init(
            directory: String? = nil, environment: [String: String] = [:], timeout: Double? = nil,
            memoryLimitMB: Int? = nil, stdoutPath: String? = nil
        ) {
            self.directory = directory
            self.environment = environment
            self.timeout = timeout
            self.memoryLimitMB = memoryLimitMB
            self.stdoutPath = stdoutPath
        }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) and waits for it.
    public static func run(_ executable: String, _ arguments: [String], _ options: Options = Options()) throws
        -> ChildProcessResult
    {
        let path = try Tool.require(executable)
        let scratch = try TemporaryDirectory.make("spawn")
        defer { TemporaryDirectory.remove(scratch) }
        let outPath = options.stdoutPath ?? scratch + "/stdout"
        let errPath = scratch + "/stderr"
        var argv = [path] + arguments
        // Swift's Glibc module does not import posix_spawn_file_actions_addchdir_np: a /bin/sh that execs the
        // program changes directory (and sets the memory limit, so the test process keeps its own).
        if options.directory != nil || options.memoryLimitMB != nil {
            var script = ""
            var parameters: [String] = []
            if let directory = options.directory {
                script += "cd -- \"$1\" || exit 127; shift; "
                parameters.append(directory)
            }
            if let limit = options.memoryLimitMB { script += "ulimit -v \(limit * 1024); " }
            argv = ["/bin/sh", "-c", script + "exec \"$@\"", "sh"] + parameters + argv
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Every other descriptor (the test runner's pipes, open fixtures) stays ours: listed from /proc/self/fd,
        // as posix_spawn_file_actions_addclosefrom_np is not imported either.
        for fd in openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // Our own environ unless something is set: copying it would cost the bench's launcher memory that its
        // children's peak-RSS figures start from.
        let envp = options.environment.isEmpty ? [] : environment(with: options.environment).map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }

        var pid: pid_t = 0
        let start = monotonicSeconds()
        let spawned =
            envp.isEmpty
            ? posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
            : posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, envp)
        guard spawned == 0 else {
            throw ToolError(
                tool: executable, arguments: arguments,
                problem: "cannot start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        if let timeout = options.timeout {
            var killed = false
            while true {
                let reaped = wait4(pid, &status, WNOHANG, &usage)
                if reaped == pid { break }
                if reaped < 0 && errno != EINTR { throw waitError(executable, arguments) }
                if !killed && monotonicSeconds() - start > timeout {
                    kill(pid, SIGKILL)
                    killed = true
                }
                usleep(2_000)
            }
        } else {
            while wait4(pid, &status, 0, &usage) < 0 {
                guard errno == EINTR else { throw waitError(executable, arguments) }
            }
        }
        let seconds = monotonicSeconds() - start
        func cpu(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        func text(_ path: String) -> String { String(decoding: (try? FileIO.readAll(path: path)) ?? [], as: UTF8.self) }
        let exited = (status & 0x7f) == 0
        return ChildProcessResult(
            exitStatus: exited ? (status >> 8) & 0xff : nil, signal: exited ? nil : status & 0x7f,
            seconds: seconds, cpuSeconds: cpu(usage.ru_utime) + cpu(usage.ru_stime),
            peakResidentKB: Int(usage.ru_maxrss),
            stdout: options.stdoutPath == nil ? text(outPath) : "", stderr: text(errPath))
    }

    /// Runs and requires exit status 0; returns the result (stdout, stderr, figures).
    @discardableResult
    public static func check(_ executable: String, _ arguments: [String], _ options: Options = Options()) throws
        -> ChildProcessResult
    {
        let result = try run(executable, arguments, options)
        guard result.status == 0 else {
            let how = result.signal.map { "killed by signal \($0)" } ?? "exit status \(result.status)"
            throw ToolError(tool: executable, arguments: arguments, problem: "\(how)\n\(result.output.prefix(4_000))")
        }
        return result
    }

    /// Our environment as NAME=value strings, with `overrides` set or replaced.
    private static func environment(with overrides: [String: String]) -> [String] {
        var entries: [String] = []
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            let name = String(text.prefix { $0 != "=" })
            if overrides[name] == nil { entries.append(text) }
            pointer += 1
        }
        return entries + overrides.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// Our open descriptors. The listing's own descriptor is among the names but closed once the listing returns,
    /// so only the ones still open count.
    private static func openDescriptors() -> [Int32] {
        guard let entries = try? Directory.entries("/proc/self/fd") else { return [] }
        return entries.compactMap { Int32($0.name) }.filter { fcntl($0, F_GETFD) != -1 }
    }

    private static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    private static func waitError(_ executable: String, _ arguments: [String]) -> ToolError {
        ToolError(tool: executable, arguments: arguments, problem: "wait4 failed: \(String(cString: strerror(errno)))")
    }
}
