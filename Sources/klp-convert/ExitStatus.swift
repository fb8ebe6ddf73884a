import ArgumentParser

/// The exit status rule, the same for every command (README "Exit status"):
///
/// - 0: the command did its job and found nothing wrong;
/// - 255: any error, usage errors included: something was reported as `klp-convert: ...` and, for commands
///   that write, nothing was written. Upstream's klp-convert returned -1 from main, and kbuild only tests for
///   non-zero, so the drop-in and every other command share this one value;
/// - 2: `build-db` wrote the database but skipped inputs it could not read (each one reported);
/// - 128 + signal: the inspector was interrupted (Ctrl-C gives 130), as a shell reports a signal.
enum ExitStatus {
    static let failure = ExitCode(255)
    static let partial = ExitCode(2)
}
