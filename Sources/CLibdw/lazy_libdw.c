// libdw's functions as build-db uses them, forwarded to libdw.so.1 opened on first use (see klp_lazy_load.h).
#include "clibdw.h"
#include "klp_lazy_load.h"

#define KLP_LIBDW_FUNCTIONS(X)                                                                                  \
    X(Dwarf_Attribute *, dwarf_attr, (Dwarf_Die * die, unsigned int name, Dwarf_Attribute *result),            \
      (die, name, result))                                                                                      \
    X(Dwarf_Attribute *, dwarf_attr_integrate, (Dwarf_Die * die, unsigned int name, Dwarf_Attribute *result),  \
      (die, name, result))                                                                                      \
    X(int, dwarf_child, (Dwarf_Die * die, Dwarf_Die *result), (die, result))                                    \
    X(const char *, dwarf_decl_file, (Dwarf_Die * die), (die))                                                  \
    X(int, dwarf_decl_line, (Dwarf_Die * die, int *line), (die, line))                                          \
    X(const char *, dwarf_errmsg, (int error), (error))                                                         \
    X(int, dwarf_errno, (void), ())                                                                             \
    X(const char *, dwarf_formstring, (Dwarf_Attribute * attribute), (attribute))                               \
    X(int, dwarf_get_units,                                                                                     \
      (Dwarf * dwarf, Dwarf_CU *cu, Dwarf_CU **next, Dwarf_Half *version, uint8_t *type, Dwarf_Die *cudie,      \
       Dwarf_Die *subdie),                                                                                      \
      (dwarf, cu, next, version, type, cudie, subdie))                                                          \
    X(int, dwarf_getlocation, (Dwarf_Attribute * attribute, Dwarf_Op **expression, size_t *length),            \
      (attribute, expression, length))                                                                          \
    X(int, dwarf_haschildren, (Dwarf_Die * die), (die))                                                         \
    X(int, dwarf_lowpc, (Dwarf_Die * die, Dwarf_Addr *address), (die, address))                                 \
    X(int, dwarf_siblingof, (Dwarf_Die * die, Dwarf_Die *result), (die, result))                                \
    X(int, dwarf_tag, (Dwarf_Die * die), (die))                                                                 \
    X(Dwfl *, dwfl_begin, (const Dwfl_Callbacks *callbacks), (callbacks))                                       \
    X(const char *, dwfl_errmsg, (int error), (error))                                                          \
    X(int, dwfl_errno, (void), ())                                                                              \
    X(Dwarf *, dwfl_module_getdwarf, (Dwfl_Module * module, Dwarf_Addr *bias), (module, bias))                  \
    X(const char *, dwfl_module_getsym_info,                                                                    \
      (Dwfl_Module * module, int index, GElf_Sym *symbol, GElf_Addr *address, GElf_Word *shndx, Elf **elf,     \
       Dwarf_Addr *bias),                                                                                       \
      (module, index, symbol, address, shndx, elf, bias))                                                       \
    X(int, dwfl_module_getsymtab, (Dwfl_Module * module), (module))                                             \
    X(int, dwfl_report_end,                                                                                     \
      (Dwfl * dwfl, int (*removed)(Dwfl_Module *, void *, const char *, Dwarf_Addr, void *), void *arg),       \
      (dwfl, removed, arg))                                                                                     \
    X(Dwfl_Module *, dwfl_report_offline, (Dwfl * dwfl, const char *name, const char *file, int fd),           \
      (dwfl, name, file, fd))

// Functions only handed to libdwfl as callbacks (klp_dwfl_report), and the one returning void.
#define KLP_LIBDW_OTHERS(X)                                       \
    X(int, dwfl_standard_find_debuginfo, (void), ())              \
    X(int, dwfl_offline_section_address, (void), ())              \
    X(void, dwfl_end, (void), ())

enum { KLP_LIBDW_FUNCTIONS(KLP_LAZY_INDEX) KLP_LIBDW_OTHERS(KLP_LAZY_INDEX) klp_libdw_count };
static const char *const names[] = {KLP_LIBDW_FUNCTIONS(KLP_LAZY_NAME) KLP_LIBDW_OTHERS(KLP_LAZY_NAME)};
static void *slots[klp_libdw_count];
static struct klp_lazy_library libdw = {
    "libdw.so.1", "libdw1", names, slots, klp_libdw_count, PTHREAD_MUTEX_INITIALIZER, 0, ""};

#define KLP_LAZY_LIBRARY libdw
#define KLP_LAZY_SLOTS slots
KLP_LIBDW_FUNCTIONS(KLP_LAZY_FORWARD)

void dwfl_end(Dwfl *dwfl) {
    klp_lazy_ready(&libdw);
    KLP_LAZY_REAL(dwfl_end)(dwfl);
}

int klp_libdw_load(void) { return klp_lazy_load(&libdw); }

const char *klp_libdw_error(void) { return klp_lazy_error(&libdw); }

// libdwfl's own callback functions, not forwarders, so it is handed the functions it knows.
static Dwfl_Callbacks callbacks;
static pthread_once_t callbacks_once = PTHREAD_ONCE_INIT;
static void fill_callbacks(void) {
    callbacks.find_debuginfo = KLP_LAZY_REAL(dwfl_standard_find_debuginfo);
    callbacks.section_address = KLP_LAZY_REAL(dwfl_offline_section_address);
}

Dwfl_Module *_Nullable klp_dwfl_report(Dwfl *_Nullable *_Nonnull session, const char *_Nonnull path) {
    klp_lazy_ready(&libdw);
    pthread_once(&callbacks_once, fill_callbacks);
    *session = KLP_LAZY_REAL(dwfl_begin)(&callbacks);
    if (*session == NULL) return NULL;
    Dwfl_Module *module = KLP_LAZY_REAL(dwfl_report_offline)(*session, "", path, -1);
    KLP_LAZY_REAL(dwfl_report_end)(*session, NULL, NULL);
    return module;
}
