import CFileIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-system problem: which file, which step failed and the system's reason.
public enum FileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Writing an output: the step of the atomic write that failed.
    public enum WriteStep: String, Sendable {
        case write = "write failed"
        case chmod = "cannot set mode"
        case fsync = "fsync failed"
        case close = "close failed"
        case rename = "cannot rename the temporary file into place"
    }

    /// An input could not be read (`InputFile`'s rule says why).
    case unreadable(path: String, InputFailure)
    /// The output path ends in '/'.
    case outputIsFolder(path: String)
    /// No temporary file could be made beside the output.
    case noTemporaryFile(path: String, folder: String, reason: String)
    /// A step of the atomic write failed; the output was left as it was.
    case writeFailed(path: String, step: WriteStep, reason: String)

    public var path: String {
        switch self {
        case .unreadable(let path, _), .outputIsFolder(let path), .noTemporaryFile(let path, _, _),
            .writeFailed(let path, _, _):
            return path
        }
    }

    public var message: String {
        switch self {
        case .unreadable(_, let failure): return failure.description
        case .outputIsFolder: return "output path names a folder, not a file"
        case .noTemporaryFile(_, let folder, let reason):
            return "cannot create a temporary file in \(folder): \(reason)"
        case .writeFailed(_, let step, let reason): return "\(step.rawValue): \(reason)"
        }
    }

    public var description: String { "\(path): \(message)" }
}

/// Reading whole files (through `InputFile`) and writing outputs atomically (temporary file in the same folder, fsync, rename), so an
/// interrupted or failed run never leaves a partial output and never touches the input.
public enum FileIO {
    /// A whole input file as an array, read by `InputFile`'s rule (see there).
    public static func readAll(path: String) throws -> [UInt8] {
        do {
            return try InputFile.readArray(path)
        } catch {
            throw FileError.unreadable(path: path, error)
        }
    }

    /// Permission bits of an existing file, if it exists.
    public static func mode(of path: String) -> mode_t? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    /// Same file (device and inode), following symlinks: used to refuse overwriting the input.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Writes `bytes` to `path` through a temporary file in the same folder, then renames it into place.
    /// On any failure the temporary file is removed and an existing `path` is left as it was.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        try writeAtomically(to: path, mode: mode, expectedSize: bytes.count) { sink in
            try bytes.withUnsafeBytes { try sink.append($0) }
        }
    }

    /// Bytes of the window an output is streamed through: large enough that write(2) calls are few, small enough
    /// that its fresh pages cost little (`cat` uses 128 KB).
    static let streamWindow = 256 << 10

    /// Writes what `produce` puts into its sink to `path` through a temporary file in the same folder, then renames
    /// it into place. The bytes go through one reused window (`streamWindow`) into the temporary file, so the
    /// output is never held in memory whole. If `produce` throws, or any step fails, the temporary file is removed,
    /// an existing `path` is left as it was, and the error is passed on.
    /// `expectedSize`, when known, keeps the window no larger than the output.
    public static func writeAtomically(
        to path: String, mode: mode_t = 0o644, expectedSize: Int? = nil, _ produce: (inout ByteSink) throws -> Void
    ) throws {
        let folder: String
        let base: String
        if let slash = path.lastIndex(of: "/") {
            folder = slash == path.startIndex ? "/" : String(path[..<slash])
            base = String(path[path.index(after: slash)...])
        } else {
            folder = "."
            base = path
        }
        guard !base.isEmpty else { throw FileError.outputIsFolder(path: path) }
        // The temporary name adds 12 bytes to the output's: past NAME_MAX (255) use a short one instead.
        let tempBase = base.utf8.count > 240 ? ".klp-out" : ".\(base).klp"
        var template = Array("\(folder)/\(tempBase)-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw FileError.noTemporaryFile(path: path, folder: folder, reason: errnoText())
        }
        let tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var isOpen = true
        var ok = false
        // A mapped input that shrinks meanwhile ends the process from a signal handler: it removes this file.
        klp_guard_pending_output(tempPath)
        defer {
            if isOpen { close(fd) }
            if !ok { unlink(tempPath) }
            klp_guard_pending_output(nil)
        }
        let windowSize = min(max(expectedSize ?? streamWindow, 1 << 12), streamWindow)
        let window = UnsafeMutableRawBufferPointer.allocate(byteCount: windowSize, alignment: 64)
        defer { window.deallocate() }
        var writeback = WritebackStarter(fd: fd)
        var sink = ByteSink(window: window, passesLargeBlocks: true) { bytes in
            if let reason = writeAll(fd, bytes) {
                throw FileError.writeFailed(path: path, step: .write, reason: reason)
            }
            writeback.wrote(bytes.count)
        }
        try produce(&sink)
        try sink.flush()
        if fchmod(fd, mode) != 0 { throw FileError.writeFailed(path: path, step: .chmod, reason: errnoText()) }
        if fsync(fd) != 0 { throw FileError.writeFailed(path: path, step: .fsync, reason: errnoText()) }
        isOpen = false
        if close(fd) != 0 { throw FileError.writeFailed(path: path, step: .close, reason: errnoText()) }
        guard rename(tempPath, path) == 0 else {
            throw FileError.writeFailed(path: path, step: .rename, reason: errnoText())
        }
        ok = true
        klp_guard_pending_output(nil)
        // Make the rename itself durable.
        let dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Starts the disk writing an output's bytes every `step` bytes while the rest is still being produced, so
    /// that the fsync that makes the file durable waits for the last step only instead of the whole file (the
    /// device works while the encoder does). Only a hint to the kernel: the fsync is unchanged, and a failure to
    /// start writeback is left to it.
    struct WritebackStarter {
        static let step = 1 << 20
        let fd: Int32
        private var written: Int64 = 0
        private var started: Int64 = 0

        init(fd: Int32) { self.fd = fd }

        mutating func wrote(_ count: Int) {
            written += Int64(count)
            guard written - started >= Self.step else { return }
            _ = klp_start_writeback(fd, started, written - started)
            started = written
        }
    }

    /// Writes all of `bytes` to `fd` (short writes continued, EINTR retried); the reason when write(2) fails.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
        guard let p = bytes.baseAddress else { return nil }
        var written = 0
        while written < bytes.count {
            let n = write(fd, p + written, bytes.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                return errnoText()
            }
            written += n
        }
        return nil
    }
}
