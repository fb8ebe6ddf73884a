import ArgumentParser
import KLPDatabaseBuilder
import KLPEngine

/// `build-db --release <release>` / `--running` [`--root DIR`]: the inputs of an installed kernel, found where
/// distributions keep them (KernelInputs), reported on stderr as used, skipped and missing.
struct ReleaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            Find the inputs of this installed kernel (as uname -r prints it): /lib/modules/<release>/kernel, \
            the debug vmlinux and modules, a real System.map, Module.symvers, and /proc/kallsyms when it is the \
            running kernel. An explicit --vmlinux, --system-map or --kallsyms replaces the vmlinux sources found; \
            --modules and --symvers replace theirs.
            """, valueName: "release"))
    var release: String?
    @Flag(help: "As --release, for the running kernel (uname -r; under --root, <root>/proc/sys/kernel/osrelease).")
    var running = false
    @Option(
        help: ArgumentHelp(
            "Look for --release inputs under this folder (an unpacked system image), not /.",
            valueName: "folder"))
    var root: String?

    var wanted: Bool { release != nil || running }

    func validate() throws {
        if release != nil && running { throw ValidationError("give --release or --running, not both") }
        if root != nil && !wanted { throw ValidationError("--root needs --release or --running") }
    }

    /// The builder's inputs for the kernel, `explicit` taking precedence kind by kind; prints what was found.
    func resolve(overriding explicit: DatabaseBuildInputs) throws -> DatabaseBuildInputs {
        let root = self.root ?? "/"
        let release = try self.release ?? KernelInputs.runningRelease(root: root)
        let found = try KernelInputs.find(release: release, root: root)
        Report.error(
            "kernel \(release) (\(found.distribution.name)"
                + (found.root == "/" ? "" : ", under \(found.root)") + "):")
        for finding in found.findings { Report.error("  " + finding.description) }
        return try found.databaseInputs(overriding: explicit)
    }
}
