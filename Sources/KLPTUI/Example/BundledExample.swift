// The example `klp-convert tui` opens without arguments: a small livepatch with automatic, annotated,
// ambiguous, missing and exported symbols, and its symbols.klp. The bytes are generated into
// BundledExampleData.swift by scripts/embed-example.sh from examples/.

public enum BundledExample {
    public static let objectName = "livepatch-example.o"
    public static let databaseName = "symbols.klp"

    public static var object: [UInt8] { decode(objectHex) }
    public static var database: [UInt8] { decode(databaseHex) }

    /// Hex text (whitespace ignored) to bytes. The text is generated, so a bad digit is a build bug; it is
    /// skipped rather than trapping, and the ELF reader then reports the damaged object.
    static func decode(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            default: continue
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return out
    }
}
