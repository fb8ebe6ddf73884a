import Foundation
import KLPTestSupport

/// A private tmux server with one pane, driven as a person drives a terminal: type keys, read the screen.
/// tmux is started with posix_spawn (KLPTestSupport.ChildProcess), never Foundation's Process.
struct TmuxSession {
    let socket = "klp-tui-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    /// A pane running an interactive bash, as a person's terminal: the program runs in its own process group,
    /// in the foreground, and only it gets the terminal's signals.
    static func shell(columns: Int = 100, rows: Int = 30, directory: String) throws -> TmuxSession {
        let tmux = TmuxSession()
        do {
            _ = try tmux.run([
                "-u", "new-session", "-d", "-s", "s", "-x", "\(columns)", "-y", "\(rows)", "-c", directory,
                "env -i PATH=/usr/bin:/bin TERM=tmux-256color LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile -i",
            ])
            _ = try tmux.waitUntil("the shell prompt") { $0.hasPrefix("$") }
        } catch {
            tmux.kill()
            throw error
        }
        return tmux
    }

    /// A `shell` pane in a fresh temporary directory named after `label`; `close(removing:)` ends both.
    static func shellInTemporaryDirectory(_ label: String, columns: Int = 100, rows: Int = 30) throws -> (
        TmuxSession, String
    ) {
        let directory = try TemporaryDirectory.make(label)
        do {
            return (try shell(columns: columns, rows: rows, directory: directory), directory)
        } catch {
            TemporaryDirectory.remove(directory)
            throw error
        }
    }

    /// A pane running `klp-convert tui <arguments>` with no shell around it, in `directory`: stdout, stderr and
    /// `EXIT=<status>` go to stdout.txt, stderr.txt and exit.txt there (read them with `exitLine(in:)`).
    static func tui(_ arguments: String, in directory: String, columns: Int = 120, rows: Int = 40) throws
        -> TmuxSession
    {
        let tmux = TmuxSession()
        let command =
            "cd \(directory) && env LANG=C.UTF-8 \(BuiltProducts.klpConvert) tui \(arguments) "
            + "> \(directory)/stdout.txt 2> \(directory)/stderr.txt; echo EXIT=$? > \(directory)/exit.txt; sleep 10"
        do {
            _ = try tmux.run(["-u", "new-session", "-d", "-s", "s", "-x", "\(columns)", "-y", "\(rows)", command])
        } catch {
            tmux.kill()
            throw error
        }
        return tmux
    }

    /// Waits (up to 10 s) for the exit.txt a `tui` pane writes in `directory` once the program ends; its text.
    func exitLine(in directory: String) throws -> String {
        let path = "\(directory)/exit.txt"
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: path) { usleep(100_000) }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Ends the server and removes the directory of `shellInTemporaryDirectory`.
    func close(removing directory: String) {
        kill()
        TemporaryDirectory.remove(directory)
    }

    func run(_ args: [String]) throws -> String {
        try Tool.check("tmux", ["-L", socket, "-f", "/dev/null"] + args)
    }

    func capture() throws -> String { try run(["capture-pane", "-p", "-t", "s"]) }

    func keys(_ keys: String...) throws { _ = try run(["send-keys", "-t", "s"] + keys) }

    /// Sends `text` to the pane literally (no key names), without Enter.
    func send(_ text: String) throws { _ = try run(["send-keys", "-t", "s", "-l", text]) }

    /// Types a line into the pane (literally) and presses Enter.
    func type(_ line: String) throws {
        try send(line)
        try keys("Enter")
    }

    /// Polls the pane until `text` appears (or 10 s pass).
    @discardableResult
    func waitFor(_ text: String) throws -> String {
        try waitUntil("'\(text)' to appear") { $0.contains(text) }
    }

    @discardableResult
    func waitUntil(_ what: String, _ done: (String) -> Bool) throws -> String {
        var last = ""
        for _ in 0..<100 {
            last = try capture()
            // A frame is written in one go but tmux may show it half-way: the screen must also hold still.
            if done(last) {
                usleep(30_000)
                let again = try capture()
                if again == last { return last }
                continue
            }
            usleep(100_000)
        }
        throw ToolError(tool: "tmux", problem: "waited in vain for \(what); the pane shows:\n\(last)")
    }

    /// Cleanup: the server may already be gone with its last pane.
    func kill() {
        _ = try? Tool.run("tmux", ["-L", socket, "-f", "/dev/null", "kill-server"])  // check-tests: allow
    }
}
