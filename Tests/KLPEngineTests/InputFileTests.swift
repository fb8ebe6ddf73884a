import Dispatch
import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

// The one reader of input files: regular files and pipes by one rule, never blocking on a FIFO without a
// writer, a size bound, and errors that say why. The CLI-level cases (a FIFO as the livepatch) are in
// HostileCLITests.

@Suite struct InputFileTests {
    /// Runs `body` on another thread and waits at most `seconds`: a reader that blocks fails the test instead of
    /// hanging the run.
    static func withDeadline<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () -> T) -> T? {
        let done = DispatchSemaphore(value: 0)
        let box = Box<T>()
        Thread.detachNewThread {
            box.value = body()
            done.signal()
        }
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return box.value
    }

    final class Box<T>: @unchecked Sendable {
        var value: T?
    }

    @Test func regularFilesAreReadWhole() throws {
        let dir = try TemporaryDirectory.make("input-file")
        defer { TemporaryDirectory.remove(dir) }
        let path = "\(dir)/data"
        let content = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try Data(content).write(to: URL(fileURLWithPath: path))
        #expect(try InputFile.read(path).bytes == content)
        #expect(try InputFile.readArray(path) == content)
        #expect(try InputFile.map(path).bytes == content)
        #expect(try InputFile.head(path, count: 8) == Array(content.prefix(8)))
        #expect(try InputFile.head(path, count: 300_000) == content)
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(try InputFile.head(path, count: 8) == [])
        #expect(try InputFile.read(path).count == 0)
        #expect(try InputFile.readArray(path) == [])
    }

    @Test func aFIFOWithoutAWriterIsRefusedAtOnce() throws {
        let dir = try TemporaryDirectory.make("input-file")
        defer { TemporaryDirectory.remove(dir) }
        let fifo = "\(dir)/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        for mode in 0..<4 {
            let outcome = Self.withDeadline(10) { () -> String in
                do {
                    switch mode {
                    case 0: _ = try InputFile.read(fifo)
                    case 1: _ = try InputFile.readArray(fifo)
                    case 2: _ = try InputFile.head(fifo, count: 8)
                    default: _ = try InputFile.map(fifo)
                    }
                    return "read"
                } catch {
                    return String(describing: error)
                }
            }
            #expect(outcome == "not a regular file: a FIFO or pipe with no writer", "mode \(mode)")
        }
    }

    /// A pipe with a writer (process substitution, /dev/stdin) is read to its end, also when the writer writes
    /// only after the reader started waiting.
    @Test func aPipeWithAWriterIsReadToItsEnd() throws {
        for useArray in [false, true] {
            var fds: [Int32] = [0, 0]
            #expect(pipe(&fds) == 0)
            let (readEnd, writeEnd) = (fds[0], fds[1])
            let content = Array(repeating: Array("init_once\n".utf8), count: 20_000).flatMap { $0 }
            let writer = Thread {
                usleep(100_000)
                content.withUnsafeBytes { raw in
                    var done = 0
                    while done < raw.count {
                        let n = write(writeEnd, raw.baseAddress! + done, raw.count - done)
                        if n <= 0 { break }
                        done += n
                    }
                }
                close(writeEnd)
            }
            writer.start()
            let got = Self.withDeadline(20) { () -> [UInt8]? in
                if useArray { return try? InputFile.readArray("/proc/self/fd/\(readEnd)") }
                return try? InputFile.read("/proc/self/fd/\(readEnd)").bytes
            }
            close(readEnd)
            #expect(got == .some(content), "array: \(useArray)")
        }
    }

    @Test func otherKindsAndMissingFilesSayWhy() throws {
        let dir = try TemporaryDirectory.make("input-file")
        defer { TemporaryDirectory.remove(dir) }
        #expect(throws: InputFailure.notRegular("is a directory")) { try InputFile.read(dir) }
        #expect(throws: InputFailure.notRegular("not a regular file")) { try InputFile.read("/dev/null") }
        do {
            _ = try InputFile.readArray("\(dir)/missing")
            Issue.record("a missing file was read")
        } catch {
            #expect(error == .open(String(cString: strerror(ENOENT))))
            #expect(error.description == "cannot open: No such file or directory")
        }
    }

    @Test func theSizeBoundHolds() throws {
        let dir = try TemporaryDirectory.make("input-file")
        defer { TemporaryDirectory.remove(dir) }
        let path = "\(dir)/big"
        try Data(count: 5000).write(to: URL(fileURLWithPath: path))
        #expect(throws: InputFailure.tooLarge(size: 5000, limit: 4096)) { try InputFile.read(path, limit: 4096) }
        #expect(throws: InputFailure.tooLarge(size: 5000, limit: 4096)) { try InputFile.readArray(path, limit: 4096) }
        #expect(try InputFile.read(path, limit: 5000).count == 5000)
    }

    /// Database inputs keep upstream's wording, with the reader's reason.
    @Test func databaseInputsKeepTheirWording() throws {
        let dir = try TemporaryDirectory.make("input-file")
        defer { TemporaryDirectory.remove(dir) }
        let fifo = "\(dir)/symbols.klp"
        #expect(mkfifo(fifo, 0o600) == 0)
        let message = Self.withDeadline(10) { () -> String in
            do {
                _ = try SymbolDatabase.load(path: fifo)
                return "loaded"
            } catch {
                return String(describing: error)
            }
        }
        #expect(message == "\(fifo): Unable to read Symbol list: not a regular file: a FIFO or pipe with no writer")
    }
}
