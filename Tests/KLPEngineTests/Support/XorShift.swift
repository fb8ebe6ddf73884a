/// A small deterministic generator (xorshift64), so a failure names a variant that can be rebuilt: the scan
/// equivalence and line-end tests draw their generated files from it.
struct XorShift {
    var state: UInt64

    /// A number in 0 ..< bound.
    mutating func next(_ bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(bound))
    }
}
