import Foundation

/// How one child process ended, and what it cost.
public struct ChildProcessResult: Sendable {
    /// The exit status when the child exited, nil when a signal ended it.
    public var exitStatus: Int32?
    /// The signal that ended the child, nil when it exited.
    public var signal: Int32?
    /// Wall time from posix_spawn until the child was reaped.
    public var seconds: Double
    /// User + system CPU time of the child.
    public var cpuSeconds: Double
    /// ru_maxrss of the child in KiB (what Linux reports).
    public var peakResidentKB: Int
    public var stdout: String
    public var stderr: String

    /// The shell's convention: the exit status, or 128 + the signal number.
    public var status: Int32 { exitStatus ?? 128 + (signal ?? 0) }
    /// stdout then stderr, for messages that show everything the tool said.
    public var output: String { stdout + stderr }
}

/// The one way tests start a program: posix_spawn and wait4, never Foundation's Process.
///
/// Process hangs a test run when the child daemonises (tmux): the child inherits the test thread's blocked
/// signal mask, and the daemon keeps Process's pipes open (docs: swift-toolchain-notes.md). So the child gets an
/// empty signal mask and default handlers, stdin from /dev/null, no descriptor of ours beyond 0-2, and stdout and
/// stderr in files (a chatty tool cannot block on a full pipe), read once the child is reaped.
public enum ChildProcess {
    public struct Options: Sendable {
        /// Working directory of the child; nil keeps ours.
        public var directory: String?
        /// Variables set (or replaced) in the child's environment; the rest is inherited.
        public var environment: [String: String]
        /// Kill the child with SIGKILL after this many seconds; nil waits as long as it takes.
        public var timeout: Double?
        /// Address-space limit (`ulimit -v`, applied by a /bin/sh around the program so ours stays as it is).
        public var memoryLimitMB: Int?

        public init(directory: String? = nil, environment: [String: String] = [:], timeout: Double? = nil,
                    memoryLimitMB: Int? = nil) {
            self.directory = directory
            self.environment = environment
            self.timeout = timeout
            self.memoryLimitMB = memoryLimitMB
        }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) and waits for it.
    public static func run(_ executable: String, _ arguments: [String], _ options: Options = Options()) throws
        -> ChildProcessResult
    {
        let path = try Tool.require(executable)
        let scratch = try TemporaryDirectory.make("spawn")
        defer { TemporaryDirectory.remove(scratch) }
        let outPath = scratch + "/stdout"
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

        var environment = ProcessInfo.processInfo.environment
        for (name, value) in options.environment { environment[name] = value }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }

        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, envp)
        guard spawned == 0 else {
            throw ToolError(tool: executable, arguments: arguments,
                            problem: "cannot start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        if let timeout = options.timeout {
            let deadline = start + UInt64(timeout * 1e9)
            var killed = false
            while true {
                let reaped = wait4(pid, &status, WNOHANG, &usage)
                if reaped == pid { break }
                if reaped < 0 && errno != EINTR { throw waitError(executable, arguments) }
                if !killed && DispatchTime.now().uptimeNanoseconds > deadline {
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
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        func cpu(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let exited = (status & 0x7f) == 0
        return ChildProcessResult(
            exitStatus: exited ? (status >> 8) & 0xff : nil, signal: exited ? nil : status & 0x7f,
            seconds: seconds, cpuSeconds: cpu(usage.ru_utime) + cpu(usage.ru_stime),
            peakResidentKB: Int(usage.ru_maxrss),
            stdout: String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(), as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), as: UTF8.self))
    }

    /// Runs and requires exit status 0; returns the result (stdout, stderr, figures).
    @discardableResult
    public static func check(_ executable: String, _ arguments: [String], _ options: Options = Options()) throws
        -> ChildProcessResult
    {
        let result = try run(executable, arguments, options)
        guard result.status == 0 else {
            let how = result.signal.map { "killed by signal \($0)" } ?? "exit status \(result.status)"
            throw ToolError(tool: executable, arguments: arguments, problem: "\(how)\n\(result.output)")
        }
        return result
    }

    /// Our open descriptors, each still valid (the directory listing's own descriptor is closed by then).
    private static func openDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }.filter { fcntl($0, F_GETFD) != -1 }
    }

    private static func waitError(_ executable: String, _ arguments: [String]) -> ToolError {
        ToolError(tool: executable, arguments: arguments, problem: "wait4 failed: \(String(cString: strerror(errno)))")
    }
}
