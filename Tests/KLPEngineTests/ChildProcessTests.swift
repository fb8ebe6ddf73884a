import KLPTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

// The tests' process runner hands a child nothing of ours but 0-2: an inherited pipe kept open by a daemonised
// child (tmux) is what hung test runs before (swift-toolchain-notes.md).

@Suite struct ChildProcessTests {
    @Test func aChildInheritsNoDescriptorBeyondTheStandardThree() throws {
        // Opened without O_CLOEXEC, so only the runner's own close action keeps it from the child.
        let fd = open("/dev/null", O_RDONLY)
        try #require(fd > 2)
        defer { close(fd) }
        let child = try ChildProcess.run("/bin/sh", ["-c", "test -e /proc/self/fd/\(fd) && echo open || echo closed"])
        #expect(child.status == 0, "\(child.stderr)")
        #expect(child.stdout == "closed\n")
        // The shell's own standard descriptors are there, so the check above can see an open one.
        let standard = try ChildProcess.run("/bin/sh", ["-c", "test -e /proc/self/fd/2 && echo open"])
        #expect(standard.stdout == "open\n")
    }
}
