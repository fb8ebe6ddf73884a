/// A problem found while reading or writing an ELF object. The description names the file, the place (byte
/// offset, section or symbol) and the problem, so a user can find it with readelf.
public struct ELFError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let place: String?
    public let message: String

    public init(path: String, place: String? = nil, _ message: String) {
        self.path = path
        self.place = place
        self.message = message
    }

    public var description: String {
        if let place { return "\(path): \(place): \(message)" }
        return "\(path): \(message)"
    }
}
