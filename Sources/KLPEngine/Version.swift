/// Version of the tool and of the symbols.klp formats it understands.
public enum KLPVersion {
    public static let tool = "0.1.0"
}
