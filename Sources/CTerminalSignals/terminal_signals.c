#include "terminal_signals.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "shim.h"

/*
 * The first SIGINT/SIGTERM/SIGHUP only records itself, so the run loop can restore the terminal and report
 * unsaved work; a second one while the first is pending restores the terminal and dies at once. Installed
 * without SA_RESTART, so a blocking read of the terminal returns EINTR and the loop notices. The one copy of
 * this variable lives here, in one object file.
 */
static volatile sig_atomic_t pending_signal = 0;

/*
 * A crash (a Swift trap raises SIGILL or SIGTRAP; SIGSEGV, SIGBUS, SIGABRT, SIGFPE) must not leave the terminal
 * in raw mode: restore it, then let the signal take its default action (core dump, status). Best effort:
 * endwin is not async-signal-safe, but the process is ending either way.
 */
static void crash_handler(int sig) {
	klp_signals_restore_terminal();
	klp_signals_reraise(sig);
}

static void end_handler(int sig) {
	/* A second signal while the first is pending: the user insists, so end now as a crash would. */
	if (pending_signal != 0) {
		crash_handler(sig);
		return;
	}
	pending_signal = sig;
}

void klp_signals_install(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = end_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	int crashes[] = { SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE };
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = crash_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (unsigned i = 0; i < sizeof crashes / sizeof crashes[0]; i++) sigaction(crashes[i], &sa, NULL);

	/* The handlers must reach the thread that reads the terminal: unblock them there (a parent may have
	 * blocked them, and the mask is inherited through exec). */
	sigset_t ends;
	sigemptyset(&ends);
	sigaddset(&ends, SIGINT);
	sigaddset(&ends, SIGTERM);
	sigaddset(&ends, SIGHUP);
	pthread_sigmask(SIG_UNBLOCK, &ends, NULL);

	atexit(klp_signals_restore_terminal);
}

int klp_signals_pending(void) { return pending_signal; }

void klp_signals_restore_terminal(void) {
	/* Nothing to restore before curses was opened (and a signal handler must not be the one to open it). */
	if (cnc_loaded() && cnc_stdscr() != NULL && !isendwin()) endwin();
}

void klp_signals_reraise(int sig) {
	signal(sig, SIG_DFL);
	raise(sig);
}
