import KLPEngine

/// The distribution an installed kernel comes from, read from `<root>/etc/os-release`, and the packages that
/// add each input of `build-db --release` there.
public enum KernelDistribution: Sendable, Equatable {
    case debian
    case ubuntu
    case fedora
    case suse
    /// os-release missing or naming another distribution (its PRETTY_NAME or ID, if any).
    case other(String?)

    /// `ID` and `ID_LIKE` of os-release: Ubuntu says ID=ubuntu ID_LIKE=debian, CentOS/RHEL/Rocky name fedora or
    /// rhel in ID_LIKE, openSUSE and SLES name suse.
    public init(osRelease text: String) {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            var value = line[line.index(after: equals)...]
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = value.dropFirst().dropLast()
            }
            fields[String(line[..<equals])] = String(value)
        }
        let ids = ([fields["ID"] ?? ""] + (fields["ID_LIKE"] ?? "").split(separator: " ").map(String.init))
            .map { $0.lowercased() }
        if ids.first == "ubuntu" {
            self = .ubuntu
        } else if ids.contains("debian") {
            self = .debian
        } else if ids.contains(where: { $0 == "fedora" || $0 == "rhel" || $0 == "centos" }) {
            self = .fedora
        } else if ids.contains(where: { $0.contains("suse") || $0 == "sles" }) {
            self = .suse
        } else {
            self = .other(fields["PRETTY_NAME"] ?? fields["ID"])
        }
    }

    public var name: String {
        switch self {
        case .debian: return "Debian"
        case .ubuntu: return "Ubuntu"
        case .fedora: return "Fedora"
        case .suse: return "SUSE"
        case .other(let name): return name ?? "unknown distribution"
        }
    }

    /// The package with the debug vmlinux (and unstripped modules) of kernel `release`.
    public func debugPackage(_ release: String) -> String? {
        switch self {
        case .debian: return "linux-image-\(release)-dbg"
        case .ubuntu: return "linux-image-\(release)-dbgsym (ddebs.ubuntu.com)"
        case .fedora: return "kernel-debuginfo-\(release)"
        case .suse: return "kernel-default-debuginfo"
        case .other: return nil
        }
    }

    /// The package with `/lib/modules/<release>/build/Module.symvers`.
    public func headersPackage(_ release: String) -> String? {
        switch self {
        case .debian, .ubuntu: return "linux-headers-\(release)"
        case .fedora: return "kernel-devel-\(release)"
        case .suse: return "kernel-default-devel"
        case .other: return nil
        }
    }

    /// The package with the kernel's modules in `/lib/modules/<release>/kernel`.
    public func modulesPackage(_ release: String) -> String? {
        switch self {
        case .debian: return "linux-image-\(release)"
        case .ubuntu: return "linux-modules-\(release)"
        case .fedora: return "kernel-modules-core-\(release)"
        case .suse: return "kernel-default"
        case .other: return nil
        }
    }

    /// The package with a real `/boot/System.map-<release>` (Debian's image package ships a placeholder).
    public func systemMapPackage(_ release: String) -> String? {
        switch self {
        case .debian: return "linux-image-\(release)-dbg"
        case .ubuntu: return "linux-image-\(release)"
        case .fedora: return "kernel-core-\(release)"
        case .suse: return "kernel-default"
        case .other: return nil
        }
    }
}
