#ifndef KLP_CNCURSES_SHIM_H
#define KLP_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
/* Functions, not the macros that stand for some of them (mvadd_wch, get_wch): those read ncurses' globals
 * (stdscr) directly, and the library is not linked but opened on first use (lazy_ncurses.c). */
#define NCURSES_NOMACROS 1
#include <locale.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/*
 * Wrappers for what Swift cannot import from curses.h (attribute macros, KEY_F(n), the stdscr/LINES/COLS
 * globals that Swift 6 flags as unsafe). The signal handling is in CTerminalSignals: state in a header would be
 * copied into every object file that uses it.
 *
 * libncursesw (and libtinfo with it) is opened with dlopen when the TUI starts, not at every start of the tool:
 * loading them cost every conversion about 0.15 ms. cnc_load() opens it (1, or 0 with the reason in
 * cnc_load_error()); every curses function this file and the TUI call is a forwarder (lazy_ncurses.c), and the
 * globals are read through the functions below.
 */
int cnc_load(void);
const char *cnc_load_error(void);
/* Whether cnc_load() succeeded (the terminal restore on a signal must not load the library). */
int cnc_loaded(void);

WINDOW *cnc_stdscr(void);
int cnc_lines(void);
int cnc_cols(void);
int cnc_colors(void);

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

/*
 * Mouse: clicks, double clicks and the wheel (buttons 4 and 5). Returns 0 when the terminal reports no mouse
 * (terminfo without kmous), so the TUI runs keyboard-only there.
 */
static inline int cnc_enable_mouse(void) {
	mmask_t wanted = BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED;
	mmask_t got = mousemask(wanted, NULL);
	mouseinterval(300);
	return (got & BUTTON1_CLICKED) != 0;
}

/* The pending mouse event: 1 click, 2 double click, 3 wheel up, 4 wheel down, 0 anything else. */
static inline int cnc_read_mouse(int *row, int *column) {
	MEVENT event;
	if (getmouse(&event) != OK) return 0;
	*row = event.y;
	*column = event.x;
	if (event.bstate & BUTTON1_DOUBLE_CLICKED) return 2;
	if (event.bstate & BUTTON1_CLICKED) return 1;
	if (event.bstate & BUTTON4_PRESSED) return 3;
	if (event.bstate & BUTTON5_PRESSED) return 4;
	return 0;
}

/* One cell: a wide character with attributes and a colour pair. */
static inline int cnc_put(int y, int x, wchar_t ch, attr_t attr, short pair) {
	wchar_t text[2] = { ch, 0 };
	cchar_t cell;
	if (setcchar(&cell, text, attr, pair, NULL) == ERR) return ERR;
	return mvadd_wch(y, x, &cell);
}

#endif
