#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way the code lists a folder (opendir/readdir/closedir). What a caller does with links, unknown types,
/// hidden names and order is its own rule, so the listing is raw: readdir's order, no `.` and `..`, the type as
/// readdir reports it (without a stat per name; `.unknown` on file systems that do not fill d_type).
public enum Directory {
    /// The file type readdir reports (`d_type`), as an open set of values.
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// The file system did not say (`DT_UNKNOWN`): stat the path to know.
        public static let unknown = Kind(rawValue: UInt8(DT_UNKNOWN))
        public static let folder = Kind(rawValue: UInt8(DT_DIR))
        public static let regular = Kind(rawValue: UInt8(DT_REG))
        /// A symbolic link, whatever it points to (`DT_LNK`).
        public static let symbolicLink = Kind(rawValue: UInt8(DT_LNK))

        public var description: String {
            switch self {
            case .unknown: "DT_UNKNOWN"
            case .folder: "DT_DIR"
            case .regular: "DT_REG"
            case .symbolicLink: "DT_LNK"
            default: "d_type \(rawValue)"
            }
        }
    }

    /// One name in a folder.
    public struct Entry: Hashable, Sendable {
        /// The name alone, decoded as UTF-8 (invalid bytes become U+FFFD, as everywhere else in the tool).
        public var name: String
        public var kind: Kind

        public init(name: String, kind: Kind) {
            self.name = name
            self.kind = kind
        }
    }

    /// A folder that could not be listed: which one, and the system's reason.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var folder: String
        /// strerror's text for opendir's or readdir's errno.
        public var reason: String

        public init(folder: String, reason: String) {
            self.folder = folder
            self.reason = reason
        }

        public var description: String { "\(folder): cannot read folder: \(reason)" }
    }

    /// The names in `folder` (without `.` and `..`), in readdir's order. A folder that cannot be opened, or whose
    /// reading fails part way, is an error rather than a listing that silently misses names.
    public static func entries(_ folder: String) throws(Failure) -> [Entry] {
        guard let directory = opendir(folder) else { throw Failure(folder: folder, reason: errnoText()) }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while true {
            // readdir returns nil both at the end and on error; only errno tells them apart.
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw Failure(folder: folder, reason: errnoText()) }
                return entries
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            entries.append(Entry(name: name, kind: Kind(rawValue: entry.pointee.d_type)))
        }
    }
}
