#define _GNU_SOURCE
#include "klp_file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

int klp_start_writeback(int fd, int64_t offset, int64_t length)
{
#ifdef __linux__
	return sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd;
	(void)offset;
	(void)length;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * The guarded mappings. A slot is claimed by setting `base` last (release), after its length and path are in
 * place, and freed by clearing `base`: the handler reads `base` first (acquire) and sees a complete slot or none.
 */
#define GUARD_SLOTS 16
struct guarded_mapping {
	_Atomic(uintptr_t) base;
	size_t length;
	char path[PATH_MAX];
};
static struct guarded_mapping slots[GUARD_SLOTS];
static _Atomic(uintptr_t) claiming[GUARD_SLOTS];
static char pending_output[PATH_MAX];
static volatile sig_atomic_t has_pending_output = 0;
static struct sigaction previous_action;
static _Atomic int handler_state = 0; /* 0 none, 1 installing, 2 installed */

static void write_text(const char *text)
{
	size_t left = strlen(text);
	while (left > 0) {
		ssize_t n = write(STDERR_FILENO, text, left);
		if (n <= 0) {
			if (n < 0 && errno == EINTR) continue;
			return;
		}
		text += n;
		left -= (size_t)n;
	}
}

static void on_sigbus(int sig, siginfo_t *info, void *context)
{
	uintptr_t address = (uintptr_t)info->si_addr;
	for (int i = 0; i < GUARD_SLOTS; i++) {
		uintptr_t base = atomic_load_explicit(&slots[i].base, memory_order_acquire);
		if (base == 0 || address < base || address - base >= slots[i].length) continue;
		if (has_pending_output) unlink(pending_output);
		write_text("klp-convert: ");
		write_text(slots[i].path);
		write_text(": the file shrank while it was being read (another program truncated or rewrote it in "
			   "place); nothing was written\n");
		_exit(255);
	}
	/* Not one of ours: whoever handled SIGBUS before decides, when the faulting access runs again. */
	(void)sig;
	(void)context;
	sigaction(SIGBUS, &previous_action, NULL);
}

static void install_handler(void)
{
	int expected = 0;
	if (!atomic_compare_exchange_strong(&handler_state, &expected, 1)) {
		while (atomic_load(&handler_state) != 2) {
		}
		return;
	}
	struct sigaction action;
	memset(&action, 0, sizeof action);
	action.sa_sigaction = on_sigbus;
	action.sa_flags = SA_SIGINFO;
	sigemptyset(&action.sa_mask);
	sigaction(SIGBUS, &action, &previous_action);
	atomic_store(&handler_state, 2);
}

int klp_guard_mapping(const void *base, size_t length, const char *path)
{
	if (base == NULL || length == 0) return 0;
	install_handler();
	for (int i = 0; i < GUARD_SLOTS; i++) {
		uintptr_t free_slot = 0;
		if (!atomic_compare_exchange_strong(&claiming[i], &free_slot, (uintptr_t)base)) continue;
		slots[i].length = length;
		strncpy(slots[i].path, path, sizeof slots[i].path - 1);
		slots[i].path[sizeof slots[i].path - 1] = '\0';
		atomic_store_explicit(&slots[i].base, (uintptr_t)base, memory_order_release);
		return 0;
	}
	return -1;
}

void klp_unguard_mapping(const void *base)
{
	for (int i = 0; i < GUARD_SLOTS; i++) {
		if (atomic_load_explicit(&slots[i].base, memory_order_acquire) != (uintptr_t)base) continue;
		atomic_store_explicit(&slots[i].base, 0, memory_order_release);
		atomic_store(&claiming[i], 0);
		return;
	}
}

void klp_guard_pending_output(const char *path)
{
	has_pending_output = 0;
	if (path == NULL) return;
	strncpy(pending_output, path, sizeof pending_output - 1);
	pending_output[sizeof pending_output - 1] = '\0';
	has_pending_output = 1;
}
