#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file read into one malloc'd buffer (no zero-filling, no per-line copies); freed on deinit.
/// The parsers read it inside `withBytes`.
final class FileBytes {
    private let base: UnsafeMutableRawPointer?
    let count: Int

    /// The bytes, valid only inside `body`: a method call keeps `self` (and so the buffer) alive, whereas a
    /// pointer taken from a property could outlive the object's last use.
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws(DatabaseError) -> Result)
        throws(DatabaseError) -> Result
    {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    private init(base: UnsafeMutableRawPointer?, count: Int) {
        self.base = base
        self.count = count
    }

    deinit { free(base) }

    /// Reads `path` completely. `what` names the file kind in messages ("Symbol list", "Module.symvers").
    static func load(path: String, what: String) throws(DatabaseError) -> FileBytes {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw DatabaseError(path: path, line: nil, message: "Unable to open \(what): \(errnoText())")
        }
        defer { close(fd) }
        var status = stat()
        if fstat(fd, &status) != 0 {
            throw DatabaseError(path: path, line: nil, message: "Unable to read \(what): \(errnoText())")
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw DatabaseError(path: path, line: nil, message: "Unable to read \(what): is a directory")
        }
        // Line numbers and name offsets are 32-bit; a symbol list is tens of MB.
        let limit = Int(Int32.max)
        guard Int(status.st_size) <= limit else {
            throw DatabaseError(path: path, line: nil, message: "Unable to read \(what): the file is \(status.st_size) bytes, more than the \(limit) a symbol list may have")
        }
        // st_size is 0 for pipes and /proc files: then grow as data arrives.
        var capacity = max(Int(status.st_size) + 1, 1 << 16)
        guard var buffer = malloc(capacity) else {
            throw DatabaseError(path: path, line: nil, message: "Unable to read \(what): out of memory")
        }
        var used = 0
        while true {
            if used == capacity {
                guard capacity < limit, let bigger = realloc(buffer, capacity * 2) else {
                    free(buffer)
                    throw DatabaseError(path: path, line: nil, message: "Unable to read \(what): file too large")
                }
                buffer = bigger
                capacity *= 2
            }
            let got = read(fd, buffer + used, capacity - used)
            if got < 0 {
                if errno == EINTR { continue }
                let text = errnoText()
                free(buffer)
                throw DatabaseError(path: path, line: nil, message: "Unable to read \(what): \(text)")
            }
            if got == 0 { break }
            used += got
        }
        if used > limit {
            free(buffer)
            throw DatabaseError(path: path, line: nil, message: "Unable to read \(what): file too large")
        }
        return FileBytes(base: buffer, count: used)
    }
}

func errnoText() -> String {
    String(cString: strerror(errno))
}
