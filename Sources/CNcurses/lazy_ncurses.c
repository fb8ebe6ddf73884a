// The curses functions the TUI uses, each forwarded to libncursesw opened on first use (see klp_lazy_load.h), and
// ncurses' globals read through the addresses dlsym gives for them.
#include "shim.h"
#include "klp_lazy_load.h"

#define KLP_NCURSES_FUNCTIONS(F, V, R, library)                                                                 \
    F(library, WINDOW *, initscr, (void), ())                                                                   \
    F(library, SCREEN *, newterm, (const char *type, FILE *output, FILE *input), (type, output, input))         \
    F(library, int, endwin, (void), ())                                                                         \
    F(library, bool, isendwin, (void), ())                                                                      \
    F(library, int, cbreak, (void), ())                                                                         \
    F(library, int, noecho, (void), ())                                                                         \
    F(library, int, nonl, (void), ())                                                                           \
    F(library, int, keypad, (WINDOW * window, bool on), (window, on))                                           \
    F(library, int, set_escdelay, (int milliseconds), (milliseconds))                                           \
    F(library, bool, has_colors, (void), ())                                                                    \
    F(library, int, start_color, (void), ())                                                                    \
    F(library, int, use_default_colors, (void), ())                                                             \
    F(library, int, init_pair, (short pair, short foreground, short background), (pair, foreground, background)) \
    F(library, int, curs_set, (int visibility), (visibility))                                                   \
    F(library, int, erase, (void), ())                                                                          \
    F(library, int, refresh, (void), ())                                                                        \
    F(library, int, move, (int y, int x), (y, x))                                                               \
    F(library, int, get_wch, (wint_t * character), (character))                                                 \
    F(library, mmask_t, mousemask, (mmask_t wanted, mmask_t *old), (wanted, old))                               \
    F(library, int, mouseinterval, (int milliseconds), (milliseconds))                                          \
    F(library, int, getmouse, (MEVENT * event), (event))                                                        \
    F(library, int, setcchar, (cchar_t * cell, const wchar_t *text, const attr_t attributes, short pair,        \
                               const void *options), (cell, text, attributes, pair, options))                  \
    F(library, int, mvadd_wch, (int y, int x, const cchar_t *cell), (y, x, cell))                               \
    R(library, stdscr)                                                                                          \
    R(library, LINES)                                                                                           \
    R(library, COLS)                                                                                            \
    R(library, COLORS)
KLP_LAZY_DEFINE(ncurses, "libncursesw.so.6", "libncursesw6", KLP_NCURSES_FUNCTIONS)

int cnc_load(void) { return klp_ncurses_load(); }
const char *cnc_load_error(void) { return klp_ncurses_error(); }
int cnc_loaded(void) { return __atomic_load_n(&ncurses.state, __ATOMIC_ACQUIRE) == 1; }

WINDOW *cnc_stdscr(void) {
    klp_lazy_ready(&ncurses);
    return *KLP_LAZY_REAL(ncurses, stdscr);
}

int cnc_lines(void) {
    klp_lazy_ready(&ncurses);
    return *KLP_LAZY_REAL(ncurses, LINES);
}

int cnc_cols(void) {
    klp_lazy_ready(&ncurses);
    return *KLP_LAZY_REAL(ncurses, COLS);
}

int cnc_colors(void) {
    klp_lazy_ready(&ncurses);
    return *KLP_LAZY_REAL(ncurses, COLORS);
}
