/*
 * The commit shown by `klp-convert --version`. `make` writes build-commit.h (git-ignored) next to this file
 * for the length of its build; a plain `swift build` has no such file and says "unknown commit".
 * A C file and __has_include rather than a -Xcc define: a define passed to SwiftPM reaches every module's
 * command line, so every commit would rebuild the whole package instead of this one file.
 */
#include "klp_build_info.h"

#if __has_include("build-commit.h")
#include "build-commit.h"
#endif

#ifndef KLP_BUILD_COMMIT
#define KLP_BUILD_COMMIT "unknown commit"
#endif

const char *klp_build_commit(void)
{
    return KLP_BUILD_COMMIT;
}
