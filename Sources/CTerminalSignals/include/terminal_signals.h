#ifndef KLP_TERMINAL_SIGNALS_H
#define KLP_TERMINAL_SIGNALS_H

/*
 * The TUI's signal handling and terminal restore, in a real C file rather than static inline functions in the
 * curses shim header: a `static` variable in a header imported into Swift gets one copy per object file the
 * compiler emits. The release build (whole-module, one object per source file) had two copies of the pending
 * signal: the handler set one, the run loop read the other, and the first Ctrl-C was ignored.
 */

/* Installs the SIGINT/SIGTERM/SIGHUP handlers (no SA_RESTART) and the crash handlers; registers the restore
 * with atexit. Call before initscr/newterm. */
void klp_signals_install(void);

/* The signal that asked the session to end (SIGINT, SIGTERM, SIGHUP), or 0. */
int klp_signals_pending(void);

/* Gives the terminal back if curses still owns it (idempotent). */
void klp_signals_restore_terminal(void);

/* Ends the process with the default action of `sig` (after the terminal is restored): status 128 + sig. */
void klp_signals_reraise(int sig);

#endif
