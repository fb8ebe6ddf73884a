import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

/// The I/O the floor measurements do: whole-file reads and plain writes with read(2)/write(2), nothing else.
enum FileIOBench {
    static func read(_ path: String) throws -> [UInt8] {
        try FileIO.readAll(path: path)
    }

    /// Reads a file to count its bytes, into a reused buffer (the floor's "read the inputs").
    static func readDiscarding(_ path: String, buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError(description: "\(path): cannot open") }
        defer { close(fd) }
        var total = 0
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw BenchError(description: "\(path): read failed")
            }
            if n == 0 { break }
            total += n
        }
        return total
    }

    /// Writes `bytes` to `path` (create or truncate), no fsync: the plain-copy floor.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchError(description: "\(path): cannot create") }
        defer { close(fd) }
        var done = 0
        try bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw BenchError(description: "\(path): write failed")
                }
                done += n
            }
        }
    }

    /// A small file of unknown size (/proc files report st_size 0), as text.
    static func readSmall(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError(description: "\(path): cannot open") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func size(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    static func makeDirectory(_ path: String) throws {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o755) != 0 && errno != EEXIST {
                throw BenchError(description: "\(built): cannot create folder: \(String(cString: strerror(errno)))")
            }
        }
    }
}
