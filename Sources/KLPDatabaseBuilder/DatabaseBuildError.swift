import KLPEngine

/// A problem with one input of the database builder: the same file/line/message error as the reader's.
public typealias DatabaseBuildError = DatabaseError

/// Something the builder did not take into the database, or decided on its own, reported to the user.
public struct BuildIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// An input (usually one module) could not be used; the rest was processed. Exit status 2.
        case skipped
        /// Information: a livepatch module left out, a source overridden by a better one.
        case note
    }

    public let kind: Kind
    public let path: String
    public let message: String

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
