/// Number formatting without Foundation (the bench links only what the tool links).
enum Format {
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (abs(value) * scale).rounded()
        let whole = Int(rounded / scale)
        let fraction = Int(rounded - Double(whole) * scale)
        var text = (value < 0 && rounded != 0 ? "-" : "") + grouped(whole)
        if digits > 0 {
            var f = String(fraction)
            while f.count < digits { f = "0" + f }
            text += "." + f
        }
        return text
    }

    /// 1234567 -> "1,234,567"
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    static func megabytes(_ bytes: Int) -> String { fixed(Double(bytes) / 1_048_576, 1) + " MB" }

    static func size(_ bytes: Int) -> String {
        bytes >= 1_048_576 ? megabytes(bytes) : fixed(Double(bytes) / 1024, 1) + " KB"
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
