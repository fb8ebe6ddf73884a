#ifndef KLP_CNCURSES_SHIM_H
#define KLP_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/*
 * Wrappers for what Swift cannot import from curses.h (attribute macros, KEY_F(n), the stdscr/LINES/COLS
 * globals that Swift 6 flags as unsafe) and the signal handling of the TUI, which must be plain C.
 */

static inline WINDOW *cnc_stdscr(void) { return stdscr; }
static inline int cnc_lines(void) { return LINES; }
static inline int cnc_cols(void) { return COLS; }
static inline int cnc_colors(void) { return COLORS; }

static inline attr_t cnc_attr_normal(void) { return A_NORMAL; }
static inline attr_t cnc_attr_bold(void) { return A_BOLD; }
static inline attr_t cnc_attr_reverse(void) { return A_REVERSE; }
static inline attr_t cnc_attr_dim(void) { return A_DIM; }
static inline attr_t cnc_attr_underline(void) { return A_UNDERLINE; }
static inline int cnc_key_f(int n) { return KEY_F(n); }

/* setlocale(LC_ALL, ""), falling back to C.UTF-8 when the environment gives no UTF-8 locale (CI has no LANG). */
static inline int cnc_setup_locale(void) {
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	if (cs && strcmp(cs, "UTF-8") == 0) return 1;
	if (setlocale(LC_CTYPE, "C.UTF-8") != NULL) return 1;
	return 0;
}

/* One cell: a wide character with attributes and a colour pair. */
static inline int cnc_put(int y, int x, wchar_t ch, attr_t attr, short pair) {
	wchar_t text[2] = { ch, 0 };
	cchar_t cell;
	if (setcchar(&cell, text, attr, pair, NULL) == ERR) return ERR;
	return mvadd_wch(y, x, &cell);
}

/*
 * Signals: the first SIGINT/SIGTERM/SIGHUP only records itself, so the run loop can restore the terminal
 * and report unsaved work; a second one while the first is pending restores the terminal and dies at once.
 * Installed without SA_RESTART, so a blocking get_wch returns ERR (EINTR) and the loop notices.
 */
static volatile sig_atomic_t cnc_pending_signal = 0;

static inline void cnc_signal_handler(int sig) {
	if (cnc_pending_signal != 0) {
		if (!isendwin()) endwin();
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	cnc_pending_signal = sig;
}

static inline int cnc_take_signal(void) {
	int s = cnc_pending_signal;
	return s;
}

static inline void cnc_install_signal_handlers(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cnc_signal_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * A crash (a Swift trap raises SIGILL or SIGTRAP; SIGSEGV, SIGBUS, SIGABRT, SIGFPE) must not leave the terminal
 * in raw mode: restore it, then let the signal take its default action (core dump, status). Best effort:
 * endwin is not async-signal-safe, but the process is ending either way.
 */
static inline void cnc_crash_handler(int sig) {
	if (stdscr != NULL && !isendwin()) endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static inline void cnc_install_crash_handlers(void) {
	int sigs[] = { SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cnc_crash_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

/* Restores the terminal if curses still owns it: registered with atexit, so every exit path restores it. */
static inline void cnc_restore_terminal(void) {
	if (stdscr != NULL && !isendwin()) endwin();
}

static inline void cnc_register_atexit(void) { atexit(cnc_restore_terminal); }

/* Re-raises a recorded signal with its default action after the terminal is restored (exit status 128+n). */
static inline void cnc_reraise(int sig) {
	signal(sig, SIG_DFL);
	raise(sig);
}

#endif
