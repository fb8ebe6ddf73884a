#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KLPEngine

/// A whole input file mapped read-only. The builder only touches the headers and the symbol table of an ELF
/// file, so mapping instead of reading keeps a 600 MB vmlinux from costing 600 MB of memory and a module tree
/// from being copied once more.
final class MappedFile {
    let path: String
    private let base: UnsafeMutableRawPointer?
    private let size: Int

    init(path: String) throws(DatabaseBuildError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DatabaseBuildError(path: path, line: nil, "cannot open: \(Self.reason())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DatabaseBuildError(path: path, line: nil, "cannot stat: \(Self.reason())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw DatabaseBuildError(path: path, line: nil, "not a regular file")
        }
        size = Int(st.st_size)
        guard size > 0 else { throw DatabaseBuildError(path: path, line: nil, "the file is empty") }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw DatabaseBuildError(path: path, line: nil, "cannot map: \(Self.reason())")
        }
        base = mapped
    }

    deinit {
        if let base { munmap(base, size) }
    }

    /// The bytes, valid only inside `body` (a file truncated meanwhile may fault: inputs are not expected to
    /// change while the builder runs).
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        body(UnsafeRawBufferPointer(start: base, count: size))
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
