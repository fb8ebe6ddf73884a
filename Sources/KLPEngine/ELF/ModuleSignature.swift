// A module signature as scripts/sign-file appends it to a .ko (kernel module_signing.rst): the signature data,
// a 12-byte struct module_signature whose last 4 bytes are the big-endian signature length, and the marker
// "~Module signature appended~\n". The ELF reader ignores bytes after the sections; the writer lays the object
// out anew, so a conversion would drop the signature without a word if nobody looked for it.

public struct ModuleSignature: Sendable, Equatable {
    public static let marker = Array("~Module signature appended~\n".utf8)
    /// sizeof(struct module_signature): algo, hash, id_type, signer_len, key_id_len, pad[3], sig_len (be32).
    public static let infoSize = 12

    /// Bytes of the signature data (sig_len).
    public let signatureLength: Int
    /// Where the signature data starts: the module without it is `bytes[..<start]`.
    public let start: Int

    /// The signature appended to `bytes`, nil when the file does not end with the marker, or a description of
    /// what is wrong when the marker is there but the lengths before it do not fit the file.
    public static func find(in bytes: [UInt8]) -> Result<ModuleSignature, SignatureProblem>? {
        let marker = Self.marker
        guard bytes.count >= marker.count, bytes[(bytes.count - marker.count)...].elementsEqual(marker) else {
            return nil
        }
        let infoEnd = bytes.count - marker.count
        guard infoEnd >= infoSize else { return .failure(.truncated(fileSize: bytes.count)) }
        let lengthField = bytes[(infoEnd - 4)..<infoEnd].reduce(0) { $0 << 8 | Int($1) }
        let signerLength = Int(bytes[infoEnd - infoSize + 3]), keyIDLength = Int(bytes[infoEnd - infoSize + 4])
        let dataLength = lengthField + signerLength + keyIDLength
        guard dataLength <= infoEnd - infoSize else {
            return .failure(.lengthBeyondFile(signatureLength: lengthField, fileSize: bytes.count))
        }
        return .success(ModuleSignature(signatureLength: lengthField, start: infoEnd - infoSize - dataLength))
    }

    public enum SignatureProblem: Error, Equatable, Sendable, CustomStringConvertible {
        case truncated(fileSize: Int)
        case lengthBeyondFile(signatureLength: Int, fileSize: Int)

        public var description: String {
            switch self {
            case .truncated(let size):
                return "ends with the module signature marker but is too short (\(size) bytes) for a signature"
            case .lengthBeyondFile(let length, let size):
                return "ends with the module signature marker, but its signature length \(length) does not fit in "
                    + "the \(size)-byte file"
            }
        }
    }
}
