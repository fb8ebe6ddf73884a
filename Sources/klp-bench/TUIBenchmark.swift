import KLPEngine
import KLPSynthetic
import KLPTUI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Time to the first frame and per-keystroke filtering on a distribution-sized synthetic symbols.klp
// (~615,000 symbol lines): the numbers behind "instant". Runs the same code as the TUI (workspace load,
// reducer, renderer), without a terminal. Public so the project's bench executable can call it.

public enum TUIBenchmark {
    public struct Report: Sendable, CustomStringConvertible {
        public var databaseLines: Int
        public var databaseBytes: Int
        public var firstFrameMilliseconds: Double
        /// (query after the keystroke, milliseconds for reduce + render).
        public var databaseKeystrokes: [(String, Double)]
        public var overviewKeystrokes: [(String, Double)]
        public var renderMilliseconds: Double
        /// Parts of the first frame: read the file, parse the database, build the search index.
        public var readMilliseconds = 0.0
        public var parseMilliseconds = 0.0
        public var indexMilliseconds = 0.0
        /// How long after the first frame the background index was still being built.
        public var indexWaitMilliseconds = 0.0

        public var worstDatabaseKeystroke: Double { databaseKeystrokes.map(\.1).max() ?? 0 }

        public var description: String {
            func f(_ v: Double) -> String {
                let r = (v * 100).rounded() / 100
                return "\(r)"
            }
            var out =
                "TUI benchmark: symbols.klp with \(databaseLines) symbol lines (\(databaseBytes / 1_000_000) MB)\n"
            out +=
                "  time to first frame (read + parse + index + plan + render 120x40): \(f(firstFrameMilliseconds)) ms\n"
            out +=
                "    parts measured alone: read \(f(readMilliseconds)) ms, parse symbols.klp \(f(parseMilliseconds)) ms; search index \(f(indexMilliseconds)) ms (built in the background)\n"
            out += "  search index ready \(f(indexWaitMilliseconds)) ms after the first frame\n"
            out += "  render one 120x40 frame: \(f(renderMilliseconds)) ms\n"
            out += "  database search, per keystroke (reduce + render):\n"
            for (q, ms) in databaseKeystrokes { out += "    \(q.isEmpty ? "(empty)" : q)\t\(f(ms)) ms\n" }
            out += "  worst keystroke: \(f(worstDatabaseKeystroke)) ms (budget 16 ms)\n"
            out += "  overview filter, per keystroke:\n"
            for (q, ms) in overviewKeystrokes { out += "    \(q.isEmpty ? "(empty)" : q)\t\(f(ms)) ms\n" }
            return out
        }
    }

    public struct BenchmarkError: Error, CustomStringConvertible {
        public let description: String
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    /// Writes the synthetic database and the example livepatch to a temporary folder, then measures.
    public static func run(shape: SyntheticSymbolList.Shape = .distribution()) throws -> Report {
        let folder = "/tmp/klp-tui-bench-\(getpid())"
        guard mkdir(folder, 0o700) == 0 || errno == EEXIST else {
            throw BenchmarkError(description: "cannot create \(folder)")
        }
        defer {
            unlink("\(folder)/symbols.klp")
            unlink("\(folder)/livepatch.o")
            rmdir(folder)
        }
        let databaseBytes = SyntheticSymbolList.make(shape)
        try FileIO.writeAtomically(databaseBytes, to: "\(folder)/symbols.klp")
        try FileIO.writeAtomically(BundledExample.object, to: "\(folder)/livepatch.o")

        let clock = ContinuousClock()
        let size = Size(rows: 40, columns: 120)
        var state: AppState?
        var workspace: Workspace?
        let first = try clock.measure {
            let ws = try Workspace.load(database: "\(folder)/symbols.klp", object: "\(folder)/livepatch.o", output: nil)
            let s = Reducer(workspace: ws).initialState(size: size)
            _ = Renderer(workspace: ws).render(s)
            workspace = ws
            state = s
        }
        guard let ws = workspace, var s = state else { throw BenchmarkError(description: "no workspace") }
        // The search index finishes in the background; the database screen waits for it if opened at once.
        let indexWait = clock.measure { _ = ws.index }
        let reducer = Reducer(workspace: ws)
        let renderer = Renderer(workspace: ws)

        var frames = 0
        let render = clock.measure {
            for _ in 0..<20 {
                frames += renderer.render(s).size.rows
            }
        }

        // Open the database screen, then type, narrow, delete and retype, as a user would.
        _ = reducer.reduce(&s, .command(.showDatabase))
        var database: [(String, Double)] = []
        let script: [Action] =
            "sched_".map { .insertText(String($0)) } + [.deleteBackward, .deleteBackward]
            + "e_".map { .insertText(String($0)) } + [.clearInput] + "init_once".map { .insertText(String($0)) }
            + [.clearInput] + "x".map { .insertText(String($0)) }
        for action in script {
            let d = clock.measure {
                _ = reducer.reduce(&s, action)
                _ = renderer.render(s)
            }
            database.append((s.databaseSearch.query, milliseconds(d)))
        }

        _ = reducer.reduce(&s, .cancelInput)
        _ = reducer.reduce(&s, .command(.showOverview))
        _ = reducer.reduce(&s, .command(.filter))
        var overview: [(String, Double)] = []
        for action in "init".map({ Action.insertText(String($0)) }) + [.deleteBackward] {
            let d = clock.measure {
                _ = reducer.reduce(&s, action)
                _ = renderer.render(s)
            }
            overview.append((s.filter, milliseconds(d)))
        }
        var parts = (0.0, 0.0, 0.0)
        var bytes: [UInt8] = []
        parts.0 = milliseconds(try clock.measure { bytes = try FileIO.readAll(path: "\(folder)/symbols.klp") })
        var parsed: SymbolDatabase?
        parts.1 = milliseconds(
            try clock.measure { parsed = try SymbolDatabase.parse(bytes: bytes, path: "symbols.klp") })
        if let parsed { parts.2 = milliseconds(clock.measure { _ = DatabaseIndex(database: parsed) }) }
        var report = Report(
            databaseLines: ws.index.rowCount, databaseBytes: databaseBytes.count,
            firstFrameMilliseconds: milliseconds(first), databaseKeystrokes: database,
            overviewKeystrokes: overview, renderMilliseconds: milliseconds(render) / Double(max(1, frames / size.rows)))
        (report.readMilliseconds, report.parseMilliseconds, report.indexMilliseconds) = parts
        report.indexWaitMilliseconds = milliseconds(indexWait)
        return report
    }
}
