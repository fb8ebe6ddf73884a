import Foundation
import KLPTestSupport
import Testing

/// Mapped inputs (symbols.klp, build-db's ELF files) are read through mmap. A file that another program shrinks
/// meanwhile turns the next read of a vanished page into SIGBUS; the guard (Sources/CFileIO) makes that an error
/// naming the file, exit status 255, and no output, temporary or not, left behind.
///
/// The file is shrunk at the moment the tool maps it, by an LD_PRELOAD library that wraps mmap(2): deterministic,
/// and the real binary does the rest exactly as it would if another program had truncated the file.
@Suite struct MappedInputGuardTests {
    static let shrinkingMmap = """
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/mman.h>
        #include <unistd.h>

        /* After mapping the file named by KLP_TEST_SHRINK, truncate it to nothing, as another program could. */
        void *mmap(void *address, size_t length, int protection, int flags, int fd, off_t offset) {
            static void *(*real)(void *, size_t, int, int, int, off_t);
            if (real == NULL) real = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
            void *mapped = real(address, length, protection, flags, fd, offset);
            const char *target = getenv("KLP_TEST_SHRINK");
            if (mapped != MAP_FAILED && fd >= 0 && target != NULL) {
                char link[64], name[4096];
                snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
                ssize_t n = readlink(link, name, sizeof name - 1);
                if (n > 0) {
                    name[n] = 0;
                    if (strcmp(name, target) == 0 && truncate(target, 0) != 0) abort();
                }
            }
            return mapped;
        }
        """

    /// The preload library, built once per test into `dir`.
    static func buildShrinker(in dir: String) throws -> String {
        try shrinkingMmap.write(toFile: "\(dir)/shrink.c", atomically: true, encoding: .utf8)
        try Tool.check("gcc", ["-shared", "-fPIC", "-O1", "-o", "\(dir)/shrink.so", "\(dir)/shrink.c", "-ldl"])
        return "\(dir)/shrink.so"
    }

    /// Runs klp-convert with `shrinking` truncated right after the tool maps it.
    static func run(_ arguments: [String], shrinking: String, preload: String) throws -> ChildProcessResult {
        var options = ChildProcess.Options()
        options.environment["LD_PRELOAD"] = preload
        options.environment["KLP_TEST_SHRINK"] = shrinking
        options.timeout = 60
        return try ChildProcess.run(BuiltProducts.klpConvert, arguments, options)
    }

    static func files(in dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    static let shrankMessage = ": the file shrank while it was being read"

    @Test func aVmlinuxShrinkingUnderBuildDBIsAnErrorNamingItAndWritesNothing() throws {
        let dir = try TemporaryDirectory.make("guard-builddb")
        let preload = try Self.buildShrinker(in: dir)
        let vmlinux = try DatabaseBuilderVmlinuxTests.buildVmlinux(in: dir)
        let out = "\(dir)/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let database = "\(out)/symbols.klp"

        // Without the shrinking, the same run succeeds: the failure below is the shrinking's.
        let plain = try ChildProcess.run(BuiltProducts.klpConvert, ["build-db", "-o", database, "--vmlinux", vmlinux])
        #expect(plain.status == 0, "\(plain.output)")
        try FileManager.default.removeItem(atPath: database)

        let r = try Self.run(["build-db", "-o", database, "--vmlinux", vmlinux], shrinking: vmlinux, preload: preload)
        #expect(r.exitStatus == 255, "status \(r.status): \(r.output)")
        #expect(r.signal == nil)
        #expect(r.stderr.contains("klp-convert: \(vmlinux)\(Self.shrankMessage)"), "\(r.stderr)")
        #expect(try Self.files(in: out) == [], "build-db left files behind")
    }

    @Test func theGuardCoversItsMappingsOnly() throws {
        // The guard handles faults in registered mappings only; any other SIGBUS keeps its default action. A
        // program built from the guard's own source maps two files, guards one, shrinks the other and reads it.
        let dir = try TemporaryDirectory.make("guard-chain")
        let source = FixturePaths.repositoryRoot.appendingPathComponent("Sources/CFileIO").path
        let program = """
            #include <fcntl.h>
            #include <stdio.h>
            #include <sys/mman.h>
            #include <unistd.h>
            #include "klp_file_io.h"

            static const char *map(const char *path) {
                int fd = open(path, O_RDONLY);
                return mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
            }

            int main(int argc, char **argv) {
                const char *guarded = map(argv[1]), *other = map(argv[2]);
                if (klp_guard_mapping(guarded, 8192, argv[1]) != 0) return 3;
                if (truncate(argv[argc == 4 ? 1 : 2], 0) != 0) return 4;
                volatile char c = (argc == 4 ? guarded : other)[4096];
                (void)c;
                return 5;
            }
            """
        try program.write(toFile: "\(dir)/probe.c", atomically: true, encoding: .utf8)
        try Tool.check(
            "gcc", ["-O1", "-I\(source)/include", "-o", "\(dir)/probe", "\(dir)/probe.c", "\(source)/file_io.c"])
        for name in ["a", "b"] {
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: "\(dir)/\(name)"))
        }
        let other = try ChildProcess.run("\(dir)/probe", ["\(dir)/a", "\(dir)/b"])
        #expect(other.signal == SIGBUS, "status \(other.status): \(other.output)")

        for name in ["a", "b"] {
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: "\(dir)/\(name)"))
        }
        let guarded = try ChildProcess.run("\(dir)/probe", ["\(dir)/a", "\(dir)/b", "guarded"])
        #expect(guarded.exitStatus == 255, "status \(guarded.status): \(guarded.output)")
        #expect(guarded.stderr.contains("klp-convert: \(dir)/a\(Self.shrankMessage)"), "\(guarded.stderr)")
    }
}
