import CCompression
import KLPEngine

/// Kernel modules may be shipped compressed (CONFIG_MODULE_COMPRESS_*: `.ko.xz`, `.ko.zst`, `.ko.gz`). The format
/// is recognised by its magic bytes, not the file name, so a misnamed file still reads.
enum Decompression {
    enum Format: String { case xz, zstd, gzip }

    /// Largest decompressed size accepted: far above any module, low enough that a corrupt or hostile file cannot
    /// exhaust memory.
    static let maximumOutput = 1 << 30

    static func format<Bytes: Collection<UInt8>>(of bytes: Bytes) -> Format? {
        if bytes.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if bytes.starts(with: [0x1F, 0x8B]) { return .gzip }
        return nil
    }

    /// The bytes themselves if they are not compressed, else the decompressed bytes.
    static func expand(_ bytes: [UInt8], path: String) throws(DatabaseBuildError) -> [UInt8] {
        guard let format = format(of: bytes) else { return bytes }
        // The format's library is opened here, on first use, not at every start of klp-convert (CCompression).
        let loaded: (load: () -> Int32, error: () -> UnsafePointer<CChar>) =
            switch format {
            case .xz: (klp_lzma_load, klp_lzma_error)
            case .zstd: (klp_zstd_load, klp_zstd_error)
            case .gzip: (klp_zlib_load, klp_zlib_error)
            }
        guard loaded.load() != 0 else { throw failure(path, format, String(cString: loaded.error())) }
        let result: Result<[UInt8], DatabaseBuildError>
        switch format {
        case .xz: result = xz(bytes, path: path)
        case .zstd: result = zstd(bytes, path: path)
        case .gzip: result = gzip(bytes, path: path)
        }
        return try result.get()
    }

    private static func failure(_ path: String, _ format: Format, _ message: String) -> DatabaseBuildError {
        DatabaseBuildError(path: path, line: nil, "\(format.rawValue) data: \(message)")
    }

    private static func xz(_ input: [UInt8], path: String) -> Result<[UInt8], DatabaseBuildError> {
        var stream = lzma_stream()
        guard lzma_stream_decoder(&stream, UInt64.max, klp_lzma_concatenated) == LZMA_OK else {
            return .failure(failure(path, .xz, "cannot start the decoder"))
        }
        defer { lzma_end(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        return input.withUnsafeBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = inBuf.count
            while true {
                let ret: lzma_ret = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = outBuf.count
                    return lzma_code(&stream, LZMA_FINISH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - stream.avail_out)])
                if output.count > maximumOutput {
                    return .failure(failure(path, .xz, "decompresses to more than \(maximumOutput) bytes"))
                }
                if ret == LZMA_STREAM_END { return .success(output) }
                if ret != LZMA_OK {
                    let reason =
                        ret == LZMA_DATA_ERROR
                        ? "corrupt data"
                        : ret == LZMA_BUF_ERROR ? "truncated data" : "decoder error \(ret.rawValue)"
                    return .failure(failure(path, .xz, reason))
                }
            }
        }
    }

    private static func zstd(_ input: [UInt8], path: String) -> Result<[UInt8], DatabaseBuildError> {
        guard let context = ZSTD_createDCtx() else { return .failure(failure(path, .zstd, "cannot start the decoder")) }
        defer { ZSTD_freeDCtx(context) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        return input.withUnsafeBytes { inRaw in
            var inBuffer = ZSTD_inBuffer(src: inRaw.baseAddress, size: inRaw.count, pos: 0)
            var lastHint = 1
            while true {
                let (hint, produced): (Int, Int) = chunk.withUnsafeMutableBytes { outRaw in
                    var outBuffer = ZSTD_outBuffer(dst: outRaw.baseAddress, size: outRaw.count, pos: 0)
                    let h = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                    return (h, outBuffer.pos)
                }
                if ZSTD_isError(hint) != 0 {
                    return .failure(failure(path, .zstd, String(cString: ZSTD_getErrorName(hint))))
                }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > maximumOutput {
                    return .failure(failure(path, .zstd, "decompresses to more than \(maximumOutput) bytes"))
                }
                lastHint = hint
                if inBuffer.pos == inBuffer.size && produced < chunk.count {
                    // All input consumed and the decoder had room left: it either finished a frame or starved.
                    return lastHint == 0 ? .success(output) : .failure(failure(path, .zstd, "truncated data"))
                }
            }
        }
    }

    private static func gzip(_ input: [UInt8], path: String) -> Result<[UInt8], DatabaseBuildError> {
        var stream = z_stream()
        // 15 + 32: a gzip or zlib header, detected automatically.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return .failure(failure(path, .gzip, "cannot start the decoder"))
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var mutableInput = input
        return mutableInput.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(clamping: inBuf.count)
            while true {
                let ret: Int32 = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(outBuf.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                if output.count > maximumOutput {
                    return .failure(failure(path, .gzip, "decompresses to more than \(maximumOutput) bytes"))
                }
                switch ret {
                case Z_STREAM_END:
                    // Concatenated gzip members (gzip -c a b) continue with the next member.
                    if stream.avail_in > 0 && inflateReset(&stream) == Z_OK { continue }
                    return .success(output)
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 { return .failure(failure(path, .gzip, "truncated data")) }
                    continue
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "decoder error \(ret)"
                    return .failure(failure(path, .gzip, reason))
                }
            }
        }
    }
}
