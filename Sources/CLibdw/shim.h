// elfutils' libdw and libdwfl (Debian: libdw-dev), the DWARF library of pahole, perf and systemtap. The database
// builder reads source files and declaration lines of kernel symbols with it.
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

// An offline Dwfl session for one file: libdwfl applies the relocations of an ET_REL module's debug sections
// (string offsets, addresses) and lays its sections out at distinct addresses; for vmlinux (ET_EXEC) addresses
// are the link addresses. The callbacks are C function pointers, simpler to take here than from Swift.
static inline Dwfl_Module *klp_dwfl_report(Dwfl **session, const char *path) {
    static const Dwfl_Callbacks callbacks = {
        .find_debuginfo = dwfl_standard_find_debuginfo,
        .section_address = dwfl_offline_section_address,
    };
    *session = dwfl_begin(&callbacks);
    if (*session == NULL) return NULL;
    Dwfl_Module *module = dwfl_report_offline(*session, "", path, -1);
    dwfl_report_end(*session, NULL, NULL);
    return module;
}

// An in-memory file for libdwfl, which opens files itself: a decompressed module is written there (memfd_create
// is not visible to Swift without _GNU_SOURCE). 1 = MFD_CLOEXEC.
#include <sys/syscall.h>
#include <unistd.h>
static inline int klp_memfd_create(const char *name) {
    return (int)syscall(SYS_memfd_create, name, 1u);
}
