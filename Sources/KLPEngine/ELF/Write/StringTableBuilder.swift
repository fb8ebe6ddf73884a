/// Builds a string table that starts with the original bytes, so names that did not change keep their offsets
/// (and their exact bytes); new names are appended once each.
struct StringTableBuilder {
    private(set) var bytes: [UInt8]
    private var appended: [String: UInt32] = [:]

    /// `newNames`: how many names will probably be added (room is made for them at once).
    init(original: ArraySlice<UInt8>, newNames: Int = 0) {
        bytes = Array(original)
        appended.reserveCapacity(newNames)
        // Offset 0 must be the empty string, and appended names must not run into an unterminated last string.
        if bytes.isEmpty { bytes.append(0) }
        if bytes.last != 0 { bytes.append(0) }
    }

    mutating func offset(of name: String, original: (offset: UInt32, name: String)?) -> UInt32 {
        if let original, original.name == name { return original.offset }
        if name.isEmpty, bytes.first == 0 { return 0 }
        if let known = appended[name] { return known }
        let offset = UInt32(truncatingIfNeeded: bytes.count)
        bytes.append(contentsOf: name.utf8)
        bytes.append(0)
        appended[name] = offset
        return offset
    }
}
