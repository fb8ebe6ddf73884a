/// One line of symbols.klp that defines (or lists) a symbol name in an object, with the position the kernel
/// would give it (DECISIONS 1): 0 when the name occurs once in the object, else 1...copiesInObject in line order.
public struct DatabaseCandidate: Hashable, Sendable, CustomStringConvertible {
    public let object: String
    public let name: String
    public let position: Int
    public let copiesInObject: Int
    /// Source file from the nearest preceding `-<file>` marker in the same object block, if any.
    public let file: String?
    /// 1-based line number in symbols.klp.
    public let line: Int

    public init(object: String, name: String, position: Int, copiesInObject: Int, file: String?, line: Int) {
        self.object = object
        self.name = name
        self.position = position
        self.copiesInObject = copiesInObject
        self.file = file
        self.line = line
    }

    public var description: String {
        let source = file.map { " (\($0))" } ?? ""
        return "\(object).\(name),\(position)\(source) [line \(line)]"
    }
}
