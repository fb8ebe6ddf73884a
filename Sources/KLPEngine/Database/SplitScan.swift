#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A targeted load of a large symbols.klp on two cores: the file is split after the first newline at or past its
/// middle, the second half is scanned on a second thread (its own buffer, read with pread) while the first is
/// scanned here, and the second half's kept lines are then replayed into the first's tables in file order, so
/// the database is the one a single pass builds.
///
/// Only when the header decides the order (`order=kallsyms`, format 0.2): then no line is compared with the one
/// before it, and a half needs from the other only the object and `-<file>` marker its first lines belong to
/// (placeholders, see Scanner.init(continuingAfterHeader:)). Errors: the first half's wins (it is earlier in the
/// file); the second half's counts only if the first half ended without error and before the evidence block,
/// with its line number moved on by the first half's lines. A full load keeps the single pass: replaying 600,000
/// kept lines would cost what the second thread saves.
enum SplitScan {
    /// Below this the second thread costs more than it saves (the small test databases stay single-threaded).
    static let minimumSize = 4 << 20

    /// Reads up to `buffer.count` bytes at a file offset; 0 at the end of the file.
    typealias PositionalRead = (_ buffer: UnsafeMutableRawBufferPointer, _ offset: Int) throws(DatabaseError) -> Int

    /// The contents, or nil when the file does not qualify (then the caller reads it in one pass). Tests pass a
    /// smaller `minimum` and the offset to `split` near (the middle otherwise).
    static func parse(
        path: String, filter: NameFilter, size: Int, pieceSize: Int = 1 << 18, minimum: Int = minimumSize,
        splitNear: Int? = nil, pread: @escaping PositionalRead
    ) throws(DatabaseError) -> DatabaseContents? {
        guard size >= minimum, let order = try headerOrder(pread),
            let splitAt = try lineStart(after: splitNear ?? size / 2, pread)
        else { return nil }
        let second = SecondHalf(
            scanner: SymbolListParser.Scanner(
                continuingAfterHeader: path, filter: filter, expectedBytes: size - splitAt, order: order))
        let reader = SendablePositionalRead(pread)
        let thread = try start(second, from: splitAt, pieceSize: pieceSize, reader: reader)
        var first = SymbolListParser.Scanner(path: path, filter: filter, expectedBytes: splitAt)
        var firstFailure: DatabaseError?
        do {
            var offset = 0
            try SymbolListParser.feed(&first, pieceSize: pieceSize) { buffer throws(DatabaseError) -> Int in
                let wanted = min(buffer.count, splitAt - offset)
                guard wanted > 0 else { return 0 }
                let got = try pread(UnsafeMutableRawBufferPointer(rebasing: buffer[..<wanted]), offset)
                offset += got
                return got
            }
        } catch {
            firstFailure = error
        }
        if let thread { pthread_join(thread, nil) }
        if let firstFailure { throw firstFailure }
        if !first.reachedEvidence {
            let lineOffset = first.lineNumber - 1
            switch second.result {
            case .failure(.format(let path, let line, let problem)):
                throw .format(path: path, line: line + lineOffset, problem)
            case .failure(let error):
                throw error
            case .success(let scanner):
                merge(scanner, into: &first, lineOffset: Int32(lineOffset))
            case nil:
                break
            }
        }
        return try first.finish()
    }

    /// The header's ordering evidence when line 1 is a clean header that decides the order; nil otherwise (any
    /// problem with line 1 is then reported by the single pass, in its usual order of checks).
    private static func headerOrder(_ pread: PositionalRead) throws(DatabaseError) -> DatabaseOrderReason? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: SymbolListParser.maximumLineLength + 1, alignment: 1)
        defer { buffer.deallocate() }
        let got = try pread(buffer, 0)
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<got])
        guard let newline = bytes.firstIndex(of: 10), !bytes[..<newline].contains(0), newline > 0,
            bytes[newline - 1] != 13
        else { return nil }
        return try? SymbolListParser.headerOrder(buffer.baseAddress!, newline, lineNumber: 1, path: "")
    }

    /// The offset just past the first newline at or after `offset`, if one comes within a line's length.
    private static func lineStart(after offset: Int, _ pread: PositionalRead) throws(DatabaseError) -> Int? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: SymbolListParser.maximumLineLength + 1, alignment: 1)
        defer { buffer.deallocate() }
        let got = try pread(buffer, offset)
        guard let newline = buffer[..<got].firstIndex(of: 10) else { return nil }
        return offset + newline + 1
    }

    /// The second half's scanner and, once its thread ends, what it made of the half.
    private final class SecondHalf: @unchecked Sendable {
        var scanner: SymbolListParser.Scanner
        var result: Result<SymbolListParser.Scanner, DatabaseError>?
        var offset = 0
        var pieceSize = 0
        var reader: SendablePositionalRead?

        init(scanner: SymbolListParser.Scanner) { self.scanner = scanner }

        func run() {
            guard let reader else { return }
            var scanner = self.scanner
            var position = offset
            do throws(DatabaseError) {
                try SymbolListParser.feed(&scanner, pieceSize: pieceSize) { buffer throws(DatabaseError) -> Int in
                    let got = try reader.read(buffer, position)
                    position += got
                    return got
                }
                scanner.flushPending()
                result = .success(scanner)
            } catch {
                result = .failure(error)
            }
        }
    }

    /// The caller's pread, carried to the second thread (it reads a file descriptor; nothing is shared but it).
    private final class SendablePositionalRead: @unchecked Sendable {
        let read: PositionalRead
        init(_ read: @escaping PositionalRead) { self.read = read }
    }

    private static func start(
        _ half: SecondHalf, from offset: Int, pieceSize: Int, reader: SendablePositionalRead
    ) throws(DatabaseError) -> pthread_t? {
        half.offset = offset
        half.pieceSize = pieceSize
        half.reader = reader
        var thread = pthread_t()
        let context = Unmanaged.passRetained(half).toOpaque()
        let status = pthread_create(
            &thread, nil,
            { context in
                let half = Unmanaged<SecondHalf>.fromOpaque(context!).takeRetainedValue()
                half.run()
                return nil
            }, context)
        if status != 0 {
            Unmanaged<SecondHalf>.fromOpaque(context).release()
            // No second thread: the half is scanned here instead, as the thread would have.
            half.run()
            return nil
        }
        return thread
    }

    /// Replays the second half's objects, export markers and kept symbol lines into the first half's tables in
    /// file order; its placeholders become the first half's last object and `-<file>` marker.
    private static func merge(
        _ second: SymbolListParser.Scanner, into first: inout SymbolListParser.Scanner, lineOffset: Int32
    ) {
        let half = second.contents
        var objects = [Int32](repeating: first.currentObject, count: half.objects.names.count)
        for index in 1..<max(half.objects.names.count, 1) {
            objects[index] = first.contents.objects.intern(half.objects.names[index])
        }
        // Export markers, in the order they were added.
        var entries: [(entry: Int32, name: Int32)] = []
        for name in 0..<half.exports.head.count {
            var entry = half.exports.head[name]
            while entry >= 0 {
                entries.append((entry, Int32(name)))
                entry = half.exports.next[Int(entry)]
            }
        }
        entries.sort { $0.entry < $1.entry }
        for (entry, name) in entries {
            half.exports.names.withName(name) { pointer, length in
                first.contents.exports.add(pointer, length, owner: objects[Int(half.exports.owner[Int(entry)])])
            }
        }
        // Symbol lines: file 0 of the half is the first half's marker, interned when first needed (as a
        // single pass interns a marker only for a kept line).
        var files = [Int32](repeating: -1, count: half.files.count)
        var inheritedFile: Int32? = nil
        let records = half.symbols
        // Each name of the half is interned once, at its first line (the order a single pass interns it in).
        var names = [Int32](repeating: -1, count: records.names.count)
        first.contents.symbols.reserve(additional: records.count)
        for record in 0..<records.count {
            let halfFile = records.file[record]
            var file: Int32 = -1
            if halfFile == 0 {
                if inheritedFile == nil { inheritedFile = first.internCurrentFile() }
                file = inheritedFile!
            } else if halfFile > 0 {
                if files[Int(halfFile)] < 0 {
                    files[Int(halfFile)] = half.files.withName(halfFile) { first.contents.files.intern($0, $1) }
                }
                file = files[Int(halfFile)]
            }
            let halfName = Int(records.name[record])
            if names[halfName] < 0 {
                names[halfName] = records.names.withName(Int32(halfName)) {
                    first.contents.symbols.names.intern($0, $1)
                }
            }
            first.contents.symbols.append(
                name: names[halfName], object: objects[Int(records.object[record])], file: file,
                line: records.line[record] + lineOffset)
        }
    }
}
