#ifndef KLP_FILE_IO_H
#define KLP_FILE_IO_H
#include <stddef.h>
#include <stdint.h>

/*
 * File calls the engine cannot make from Swift: one GNU declaration (sync_file_range) and a SIGBUS handler,
 * which must be async-signal-safe C.
 */

/*
 * Starts writing back bytes [offset, offset + length) of `fd` to the disk without waiting (sync_file_range with
 * SYNC_FILE_RANGE_WRITE). The atomic writer calls it while it streams an output, so the disk works while the
 * rest is still encoded and the closing fsync waits for the tail only. Returns 0, or -1 with errno set; only a
 * hint: the fsync that follows is what makes the file durable.
 */
int klp_start_writeback(int fd, int64_t offset, int64_t length);

/*
 * A file mapped with mmap turns into SIGBUS when another program truncates it (or rewrites it in place) while
 * it is read: the pages past the new end are gone. Registering the mapping makes such a fault end the process
 * with "klp-convert: <path>: the file shrank while it was being read ..." on stderr and exit status 255, after
 * removing the pending temporary output, instead of a crash. A SIGBUS elsewhere goes to the handler that was
 * there before (or kills the process as usual). Up to 16 mappings at once; returns 0, or -1 when all slots are
 * in use (the mapping is then unguarded and the caller should read the file instead).
 */
int klp_guard_mapping(const void *base, size_t length, const char *path);

/* Forgets the mapping at `base` (before it is unmapped). */
void klp_unguard_mapping(const void *base);

/*
 * The temporary file an output is being written to (NULL when none): removed if a guarded mapping faults, so
 * nothing partial is left behind. The atomic writer sets it after mkstemp and clears it after the rename.
 */
void klp_guard_pending_output(const char *path);

#endif
