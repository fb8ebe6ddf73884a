import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

// The input-file rule as a user meets it, through the real binary: symbols.klp from a pipe converts like the
// file itself; a FIFO nobody writes to fails at once with the reason (it used to block the tool forever).

@Suite struct CLIInputFileTests {
    @Test func aDatabaseFIFOWithoutAWriterFailsAtOnce() throws {
        let (dir, _, base) = try CLICorruptInputTests.setUp()
        defer { TemporaryDirectory.remove(dir) }
        let input = "\(dir)/lp.ko"
        try CLICorruptInputTests.write(base, input)
        let fifo = "\(dir)/fifo.klp"
        #expect(mkfifo(fifo, 0o644) == 0)
        let output = "\(dir)/out.ko"
        let r = try HostileCLICase.expectCleanFailure(database: fifo, input: input, output: output, named: fifo)
        #expect(
            r.stderr.contains("Unable to read Symbol list: not a regular file: a FIFO or pipe with no writer"),
            "\(r.stderr)")
    }

    @Test func aDatabaseFromAPipeConvertsLikeTheFile() throws {
        let (dir, database, base) = try CLICorruptInputTests.setUp()
        defer { TemporaryDirectory.remove(dir) }
        let input = "\(dir)/lp.ko"
        try CLICorruptInputTests.write(base, input)
        let fromFile = try HostileRun.run([HostileCLICase.binary, database, input, "\(dir)/file.ko"])
        #expect(fromFile.exitStatus == 0, "\(fromFile.stderr)")
        // `cat | klp-convert /dev/stdin`: the database arrives through a pipe with a writer.
        let script = "cat \"$1\" | \"$2\" /dev/stdin \"$3\" \"$4\""
        let fromPipe = try HostileRun.run([
            "/bin/sh", "-c", script, "sh", database, HostileCLICase.binary, input,
            "\(dir)/pipe.ko",
        ])
        #expect(fromPipe.exitStatus == 0, "\(fromPipe.stderr)")
        #expect(try FileIO.readAll(path: "\(dir)/pipe.ko") == FileIO.readAll(path: "\(dir)/file.ko"))
    }

    /// `list` shows evidence for candidates from the same bytes it planned with: the database is read once, so
    /// a pipe works for it as for convert (a second read of a drained pipe finds no writer).
    @Test func listFromAPipeEqualsListFromTheFile() throws {
        let (dir, database, base) = try CLICorruptInputTests.setUp()
        defer { TemporaryDirectory.remove(dir) }
        let input = "\(dir)/lp.ko"
        try CLICorruptInputTests.write(base, input)
        let fromFile = try HostileRun.run([HostileCLICase.binary, "list", "--json", database, input])
        #expect(fromFile.stdout.contains("\"candidates\""), "\(fromFile.stdout)")
        let script = "cat \"$1\" | \"$2\" list --json /dev/stdin \"$3\""
        let fromPipe = try HostileRun.run(["/bin/sh", "-c", script, "sh", database, HostileCLICase.binary, input])
        #expect(fromPipe.exitStatus == fromFile.exitStatus, "\(fromPipe.stderr)")
        #expect(fromPipe.stderr == fromFile.stderr)
        #expect(fromPipe.stdout == fromFile.stdout.replacing(database, with: "/dev/stdin"))
    }
}
