import Foundation

// Runs a tool for a test with posix_spawn, never Foundation's Process: a daemonising child (tmux) would keep
// Process's pipes open and inherit the test thread's blocked signals, hanging the whole run (toolchain notes).
// The child gets an empty signal mask and default handlers, no inherited descriptors beyond 0-2, stdin from
// /dev/null, and stdout+stderr in a temporary file read after waitpid.

struct SpawnError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

enum Spawn {
    struct Result {
        var status: Int32
        var output: String
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    @discardableResult
    static func run(_ tool: String, _ args: [String]) throws -> Result {
        guard let exe = tool.hasPrefix("/") ? tool : which(tool) else {
            throw SpawnError(message: "\(tool) is not installed (the project's .ci/run installs it)")
        }
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("klp-spawn-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            for fd in fds.compactMap({ Int32($0) }) where fd > 2 && fcntl(fd, F_GETFD) != -1 {
                posix_spawn_file_actions_addclose(&actions, fd)
            }
        }

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

        let argv = ([exe] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw SpawnError(message: "cannot start \(exe): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, output: output)
    }

    @discardableResult
    static func check(_ tool: String, _ args: [String]) throws -> String {
        let r = try run(tool, args)
        guard r.status == 0 else {
            throw SpawnError(message: "\(tool) \(args.joined(separator: " ")) failed (\(r.status)): \(r.output)")
        }
        return r.output
    }

    static func temporaryDirectory(_ label: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klp-tui-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }
}
