#ifndef KLP_CLIBDW_H
#define KLP_CLIBDW_H
// elfutils' libdw and libdwfl (Debian: libdw-dev to build, libdw1 to run), the DWARF library of pahole, perf and
// systemtap. The database builder reads source files and declaration lines of kernel symbols with it.
//
// libdw.so.1 is opened on first use (lazy_libdw.c), not at every start of klp-convert: call klp_libdw_load
// before any other function here, and report klp_libdw_error when it returns 0.
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <sys/syscall.h>
#include <unistd.h>

// 1 when libdw.so.1 and every function used from it are there; else 0, and klp_libdw_error says why.
int klp_libdw_load(void);
const char *_Nonnull klp_libdw_error(void);

// An offline Dwfl session for one file: libdwfl applies the relocations of an ET_REL module's debug sections
// (string offsets, addresses) and lays its sections out at distinct addresses; for vmlinux (ET_EXEC) addresses
// are the link addresses. The callbacks are C function pointers, simpler to take here than from Swift.
Dwfl_Module *_Nullable klp_dwfl_report(Dwfl *_Nullable *_Nonnull session, const char *_Nonnull path);

// An in-memory file for libdwfl, which opens files itself: a decompressed module is written there (memfd_create
// is not visible to Swift without _GNU_SOURCE). 1 = MFD_CLOEXEC.
static inline int klp_memfd_create(const char *_Nonnull name) {
    return (int)syscall(SYS_memfd_create, name, 1u);
}
#endif
