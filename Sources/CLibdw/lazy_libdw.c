// libdw's functions as build-db uses them, forwarded to libdw.so.1 opened on first use (see klp_lazy_load.h).
#include "clibdw.h"
#include "klp_lazy_load.h"

// The last three: two only handed to libdwfl as callbacks (klp_dwfl_report), and the one returning void.
#define KLP_LIBDW_FUNCTIONS(F, V, R, library)                                                                   \
    F(library, Dwarf_Attribute *, dwarf_attr, (Dwarf_Die * die, unsigned int name, Dwarf_Attribute *result),    \
      (die, name, result))                                                                                      \
    F(library, Dwarf_Attribute *, dwarf_attr_integrate,                                                         \
      (Dwarf_Die * die, unsigned int name, Dwarf_Attribute *result), (die, name, result))                       \
    F(library, int, dwarf_child, (Dwarf_Die * die, Dwarf_Die *result), (die, result))                           \
    F(library, const char *, dwarf_decl_file, (Dwarf_Die * die), (die))                                         \
    F(library, int, dwarf_decl_line, (Dwarf_Die * die, int *line), (die, line))                                 \
    F(library, const char *, dwarf_errmsg, (int error), (error))                                                \
    F(library, int, dwarf_errno, (void), ())                                                                    \
    F(library, const char *, dwarf_formstring, (Dwarf_Attribute * attribute), (attribute))                      \
    F(library, int, dwarf_get_units,                                                                            \
      (Dwarf * dwarf, Dwarf_CU *cu, Dwarf_CU **next, Dwarf_Half *version, uint8_t *type, Dwarf_Die *cudie,      \
       Dwarf_Die *subdie),                                                                                      \
      (dwarf, cu, next, version, type, cudie, subdie))                                                          \
    F(library, int, dwarf_getlocation, (Dwarf_Attribute * attribute, Dwarf_Op **expression, size_t *length),    \
      (attribute, expression, length))                                                                          \
    F(library, int, dwarf_haschildren, (Dwarf_Die * die), (die))                                                \
    F(library, int, dwarf_lowpc, (Dwarf_Die * die, Dwarf_Addr *address), (die, address))                        \
    F(library, int, dwarf_siblingof, (Dwarf_Die * die, Dwarf_Die *result), (die, result))                       \
    F(library, int, dwarf_tag, (Dwarf_Die * die), (die))                                                        \
    F(library, Dwfl *, dwfl_begin, (const Dwfl_Callbacks *callbacks), (callbacks))                              \
    F(library, const char *, dwfl_errmsg, (int error), (error))                                                 \
    F(library, int, dwfl_errno, (void), ())                                                                     \
    F(library, Dwarf *, dwfl_module_getdwarf, (Dwfl_Module * module, Dwarf_Addr *bias), (module, bias))         \
    F(library, const char *, dwfl_module_getsym_info,                                                           \
      (Dwfl_Module * module, int index, GElf_Sym *symbol, GElf_Addr *address, GElf_Word *shndx, Elf **elf,      \
       Dwarf_Addr *bias),                                                                                       \
      (module, index, symbol, address, shndx, elf, bias))                                                       \
    F(library, int, dwfl_module_getsymtab, (Dwfl_Module * module), (module))                                    \
    F(library, int, dwfl_report_end,                                                                            \
      (Dwfl * dwfl, int (*removed)(Dwfl_Module *, void *, const char *, Dwarf_Addr, void *), void *arg),        \
      (dwfl, removed, arg))                                                                                     \
    F(library, Dwfl_Module *, dwfl_report_offline, (Dwfl * dwfl, const char *name, const char *file, int fd),   \
      (dwfl, name, file, fd))                                                                                   \
    R(library, dwfl_standard_find_debuginfo)                                                                    \
    R(library, dwfl_offline_section_address)                                                                    \
    V(library, dwfl_end, (Dwfl * dwfl), (dwfl))

KLP_LAZY_DEFINE(libdw, "libdw.so.1", "libdw1", KLP_LIBDW_FUNCTIONS)

// libdwfl's own callback functions, not forwarders, so it is handed the functions it knows.
static Dwfl_Callbacks callbacks;
static pthread_once_t callbacks_once = PTHREAD_ONCE_INIT;
static void fill_callbacks(void) {
    callbacks.find_debuginfo = KLP_LAZY_REAL(libdw, dwfl_standard_find_debuginfo);
    callbacks.section_address = KLP_LAZY_REAL(libdw, dwfl_offline_section_address);
}

Dwfl_Module *_Nullable klp_dwfl_report(Dwfl *_Nullable *_Nonnull session, const char *_Nonnull path) {
    klp_lazy_ready(&libdw);
    pthread_once(&callbacks_once, fill_callbacks);
    *session = KLP_LAZY_REAL(libdw, dwfl_begin)(&callbacks);
    if (*session == NULL) return NULL;
    Dwfl_Module *module = KLP_LAZY_REAL(libdw, dwfl_report_offline)(*session, "", path, -1);
    KLP_LAZY_REAL(libdw, dwfl_report_end)(*session, NULL, NULL);
    return module;
}
