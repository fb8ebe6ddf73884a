#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileIO {
    /// Reads an open file to its end when its size is unknown: procfs files such as /proc/kallsyms report size
    /// 0 and produce their text as they are read. Capped at `maximumInputSize` like every other read.
    static func readUntilEnd(_ fd: Int32, path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, "read failed: \(errnoText())")
            }
            if n == 0 { return bytes }
            guard bytes.count + n <= maximumInputSize else {
                throw FileError(path: path, "file is more than the \(maximumInputSize) bytes the tool reads")
            }
            bytes += chunk[..<n]
        }
    }
}
