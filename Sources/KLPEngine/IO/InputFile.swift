import CFileIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input could not be read, apart from the path (which the caller's error names). Callers word it their
/// own way ("Unable to open Symbol list: ..." for the database, as upstream does; "cannot open: ..." elsewhere).
public enum InputFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// open(2) failed; the system's reason.
    case open(String)
    /// Neither a regular file nor a pipe with a writer: a directory, a device, a socket, or a FIFO nobody
    /// writes to (which would otherwise block the tool forever).
    case notRegular(String)
    /// More bytes than `limit`.
    case tooLarge(size: Int, limit: Int)
    /// fstat(2), read(2) or mmap(2) failed, or memory ran out.
    case read(String)

    public var description: String {
        switch self {
        case .open(let reason): "cannot open: \(reason)"
        case .notRegular(let what): what
        case .tooLarge(let size, let limit): "the file is \(size) bytes, more than the \(limit) bytes the tool reads"
        case .read(let reason): "read failed: \(reason)"
        }
    }

    /// The reason alone, for callers that put their own verb in front ("Unable to read Symbol list: ...").
    public var reason: String {
        switch self {
        case .open(let reason), .read(let reason), .notRegular(let reason): reason
        case .tooLarge: description
        }
    }
}

/// The system's text for the current errno (or for `code`): the engine's one errno helper.
public func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// The one way the engine reads an input file whole (symbols.klp, Module.symvers, the livepatch, choices files,
/// the builder's inputs). The rule is the same for every input:
/// - opening never blocks (O_NONBLOCK), so a FIFO without a writer cannot hang the tool;
/// - a regular file is read to its end (st_size is only a hint: /proc files report 0);
/// - a pipe or FIFO is read to its end when a writer is connected (`<(zcat symbols.klp.gz)`, /dev/stdin); one
///   with no writer is refused as not a regular file;
/// - anything else (directory, device, socket) is refused;
/// - more than `limit` bytes is refused.
/// `map` is the second mode, for the builder's large ELF files: the same checks, then mmap instead of read.
public final class InputFile {
    /// Largest file the tool reads whole (the largest real inputs are symbol databases of tens of MB).
    public static let maximumSize = 4 << 30

    public let path: String
    private let base: UnsafeMutableRawPointer?
    public let count: Int
    private let isMapped: Bool

    private init(path: String, base: UnsafeMutableRawPointer?, count: Int, isMapped: Bool) {
        self.path = path
        self.base = base
        self.count = count
        self.isMapped = isMapped
    }

    deinit {
        if isMapped {
            if let base {
                klp_unguard_mapping(base)
                munmap(base, count)
            }
        } else {
            free(base)
        }
    }

    /// The bytes, valid only inside `body`: a method call keeps `self` (and so the buffer) alive, whereas a
    /// pointer taken from a property could outlive the object's last use. A mapped file truncated meanwhile ends
    /// the process with an error naming it (klp_guard_mapping), not with a crash.
    public func withBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result)
        throws(Failure) -> Result
    {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// A copy of the bytes as an array.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// Reads `path` completely into one malloc'd buffer (no zero-filling, no copy per line).
    public static func read(_ path: String, limit: Int = maximumSize) throws(InputFailure) -> InputFile {
        var opened = try open(path)
        defer { close(opened.fd) }
        guard opened.size <= limit else { throw .tooLarge(size: opened.size, limit: limit) }
        return try readRest(&opened, path: path, already: nil, limit: limit)
    }

    /// Reads what is left of an open input, after `already` (the bytes read so far), into a malloc'd buffer.
    private static func readRest(
        _ opened: inout Opened, path: String, already: UnsafeRawBufferPointer?,
        limit: Int
    ) throws(InputFailure) -> InputFile {
        let first = already?.count ?? 0
        var capacity = max(min(max(opened.size, first), limit) + 1, 1 << 16)
        guard var buffer = malloc(capacity) else { throw .read("out of memory") }
        if let already, let from = already.baseAddress { memcpy(buffer, from, first) }
        var used = first
        while true {
            let filled: (used: Int, atEnd: Bool)
            do {
                filled = try fill(&opened, buffer, used: used, capacity: capacity, limit: limit)
            } catch {
                free(buffer)
                throw error
            }
            used = filled.used
            if filled.atEnd { break }
            let bigger = min(capacity * 2, limit + 1)
            guard let grown = realloc(buffer, bigger) else {
                free(buffer)
                throw .read("out of memory")
            }
            buffer = grown
            capacity = bigger
        }
        return InputFile(path: path, base: buffer, count: used, isMapped: false)
    }

    /// As `read`, into an array: a regular file is read straight into the array (no second copy); what does not
    /// fit (a pipe's data, a file that grew while being read) is read on into a buffer and copied once.
    public static func readArray(_ path: String, limit: Int = maximumSize) throws(InputFailure) -> [UInt8] {
        var opened = try open(path)
        defer { close(opened.fd) }
        guard opened.size <= limit else { throw .tooLarge(size: opened.size, limit: limit) }
        var complete = true
        var failure: InputFailure?
        // One byte more than the size, to see the end in the same pass; huge pages for a large file.
        let capacity = HugePages.capacity(count: max(opened.size, 1 << 12) + 1, stride: 1)
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
            do throws(InputFailure) {
                let filled = try fill(
                    &opened, UnsafeMutableRawPointer(buffer.baseAddress!), used: 0,
                    capacity: buffer.count, limit: limit)
                complete = filled.atEnd
                count = filled.used
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        if complete { return bytes }
        let whole: Result<InputFile, InputFailure> = bytes.withUnsafeBytes { read in
            Result { () throws(InputFailure) -> InputFile in
                try readRest(&opened, path: path, already: read, limit: limit)
            }
        }
        return try whole.get().bytes
    }

    /// Reads into `base[used..<capacity]` until the end of the input or a full buffer. A pipe is read without
    /// blocking until the first read tells whether a writer is connected: no data and no writer is refused (a
    /// FIFO nobody writes to); a writer that has not written yet is then waited for, as any reader would.
    fileprivate static func fill(
        _ opened: inout Opened, _ base: UnsafeMutableRawPointer, used start: Int, capacity: Int, limit: Int
    ) throws(InputFailure) -> (used: Int, atEnd: Bool) {
        var used = start
        while used < capacity {
            let got = Glibc.read(opened.fd, base + used, capacity - used)
            if got < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN && !opened.blocking {
                    opened.block()
                    continue
                }
                throw .read(errnoText())
            }
            if got == 0 {
                if used == 0 && opened.isPipe && !opened.blocking {
                    throw .notRegular("not a regular file: a FIFO or pipe with no writer")
                }
                return (used, true)
            }
            if !opened.blocking { opened.block() }
            used += got
            if used > limit { throw .tooLarge(size: used, limit: limit) }
        }
        return (used, false)
    }

    /// An input read piece by piece into the caller's buffer, by the same rules as `read` (the symbols.klp
    /// parser reuses one small buffer instead of faulting in a fresh one of the whole file's size).
    public final class Pieces {
        private var opened: Opened
        private let limit: Int
        private var total = 0
        /// The size of a regular file when opened (a hint: it may grow or shrink meanwhile); 0 for a pipe.
        public var expectedSize: Int { opened.size }

        fileprivate init(opened: Opened, limit: Int) {
            self.opened = opened
            self.limit = limit
        }

        deinit { close(opened.fd) }

        /// Fills `buffer` as far as the input goes; returns the number of bytes, 0 at the end of the input.
        public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFailure) -> Int {
            guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
            do {
                let filled = try InputFile.fill(&opened, base, used: 0, capacity: buffer.count, limit: limit - total)
                total += filled.used
                return filled.used
            } catch .tooLarge(let size, _) {
                throw .tooLarge(size: total + size, limit: limit)
            }
        }
    }

    /// Opens `path` for reading in pieces; a regular file larger than `limit` is refused at once.
    public static func pieces(_ path: String, limit: Int = maximumSize) throws(InputFailure) -> Pieces {
        let opened = try open(path)
        guard opened.size <= limit else {
            close(opened.fd)
            throw .tooLarge(size: opened.size, limit: limit)
        }
        return Pieces(opened: opened, limit: limit)
    }

    /// The first bytes of `path` (at most `count`), by the same rule as a whole read: for the builder's checks of
    /// what a file is (ELF magic, a placeholder System.map) before it reads the whole file.
    public static func head(_ path: String, count: Int) throws(InputFailure) -> [UInt8] {
        var opened = try open(path)
        defer { close(opened.fd) }
        guard count > 0 else { return [] }
        let base = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 1)
        defer { base.deallocate() }
        // fill stops at the buffer's end, so a longer file is not "too large" here: its head is full.
        let used = try fill(&opened, base, used: 0, capacity: count, limit: count).used
        return Array(UnsafeRawBufferPointer(start: base, count: used))
    }

    /// Maps `path` read-only: for the builder, which touches only the headers and symbol table of ELF files
    /// of hundreds of MB. Pipes cannot be mapped; they, and empty files, are read instead. The mapping is
    /// guarded: if another program shrinks the file while it is read, the process ends with an error naming the
    /// file (klp_guard_mapping) instead of dying of SIGBUS.
    /// (symbols.klp is not mapped: mapped whole with MAP_POPULATE and scanned in place, the large conversion took
    /// 0.3-1.2 ms more CPU than reading it through a reused 256 KB buffer, measured side by side.)
    public static func map(_ path: String, limit: Int = Int.max) throws(InputFailure) -> InputFile {
        var opened = try open(path)
        defer { close(opened.fd) }
        if opened.isPipe || opened.size == 0 {
            return try readRest(&opened, path: path, already: nil, limit: min(limit, maximumSize))
        }
        guard opened.size <= limit else { throw .tooLarge(size: opened.size, limit: limit) }
        let mapped = mmap(nil, opened.size, PROT_READ, MAP_PRIVATE, opened.fd, 0)
        guard let mapped, mapped != MAP_FAILED else { throw .read("cannot map: \(errnoText())") }
        guard klp_guard_mapping(mapped, opened.size, path) == 0 else {
            // Every guard slot in use: read the file instead of mapping it unguarded.
            munmap(mapped, opened.size)
            return try readRest(&opened, path: path, already: nil, limit: min(limit, maximumSize))
        }
        return InputFile(path: path, base: mapped, count: opened.size, isMapped: true)
    }

    /// An open input: its descriptor, size (0 for pipes) and whether reads may block yet.
    fileprivate struct Opened {
        let fd: Int32
        let size: Int
        let isPipe: Bool
        /// Regular files ignore O_NONBLOCK; a pipe blocks once it is known to have a writer.
        var blocking: Bool

        mutating func block() {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            blocking = true
        }
    }

    /// Opens without blocking and applies the rule on file kinds.
    private static func open(_ path: String) throws(InputFailure) -> Opened {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .open(errnoText()) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let text = errnoText()
            close(fd)
            throw .read(text)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            return Opened(fd: fd, size: Int(status.st_size), isPipe: false, blocking: true)
        case S_IFIFO:
            return Opened(fd: fd, size: 0, isPipe: true, blocking: false)
        case S_IFDIR:
            close(fd)
            throw .notRegular("is a directory")
        default:
            close(fd)
            throw .notRegular("not a regular file")
        }
    }
}
