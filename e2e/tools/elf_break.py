#!/usr/bin/python3
"""Break a converted livepatch module on purpose, so `klp-convert check` can be shown to reject it.

usage: elf_break.py clear-livepatch-flag IN.ko OUT.ko
           Clear SHF_RELA_LIVEPATCH (0x00100000) on the first .klp.rela.* section. The kernel would then
           apply that section as an ordinary relocation section against unresolved SHN_LIVEPATCH symbols.
       elf_break.py vmlinux-sym-in-module-section IN.ko OUT.ko
           Point the first relocation of a module-specific .klp.rela.<module>.* section at a
           .klp.sym.vmlinux.* symbol, which the kernel forbids in module-specific sections.

Only ELF64 little-endian relocatable files (x86_64 modules) are handled. Prints what it changed;
exits 2 with a message on stderr when the input does not have what the edit needs.
Stdlib only: runs with Debian's /usr/bin/python3.

The field layouts below (SHDR, SYM, RELA, the e_shoff/e_shentsize offsets) are the only ELF offsets written out
anywhere but the engine's Sources/KLPEngine/ELF/Codec/RecordLayout.swift, which the reader, the writer, the
database builder's symbol scan and the Swift tests' ELF patching all use. This tool stays in Python so the e2e
harness can break a module without the Swift toolchain; keep the two in agreement.
"""
import struct
import sys

SHF_RELA_LIVEPATCH = 0x00100000
SHT_SYMTAB = 2
SHT_RELA = 4
SHDR = struct.Struct("<IIQQQQIIQQ")  # name type flags addr offset size link info addralign entsize
SYM = struct.Struct("<IBBHQQ")       # name info other shndx value size
RELA = struct.Struct("<QQq")         # offset info addend
E_SHOFF = 0x28                       # Elf64_Ehdr.e_shoff
E_SHENTSIZE = 0x3A                   # Elf64_Ehdr.e_shentsize, followed by e_shnum and e_shstrndx


class BreakError(Exception):
    pass


def cstring(data, offset):
    end = data.find(b"\0", offset)
    if end < 0:
        raise BreakError(f"unterminated string at offset {offset:#x}")
    return data[offset:end].decode("utf-8", "replace")


class Elf:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = bytearray(f.read())
        if self.data[:4] != b"\x7fELF" or self.data[4] != 2 or self.data[5] != 1:
            raise BreakError(f"{path}: not an ELF64 little-endian file")
        self.shoff, = struct.unpack_from("<Q", self.data, E_SHOFF)
        self.shentsize, self.shnum, self.shstrndx = struct.unpack_from("<HHH", self.data, E_SHENTSIZE)
        if self.shentsize != SHDR.size or self.shoff + self.shnum * SHDR.size > len(self.data):
            raise BreakError(f"{path}: section header table out of bounds")
        strtab = self.header(self.shstrndx)
        self.names = [cstring(self.data, strtab[4] + self.header(i)[0]) for i in range(self.shnum)]

    def header_offset(self, index):
        return self.shoff + index * SHDR.size

    def header(self, index):
        return list(SHDR.unpack_from(self.data, self.header_offset(index)))

    def set_header(self, index, fields):
        SHDR.pack_into(self.data, self.header_offset(index), *fields)

    def symbols(self):
        """[(index, name)] of .symtab."""
        for i in range(self.shnum):
            sh = self.header(i)
            if sh[1] == SHT_SYMTAB:
                strtab = self.header(sh[6])
                out = []
                for k in range(sh[5] // SYM.size):
                    st_name = SYM.unpack_from(self.data, sh[4] + k * SYM.size)[0]
                    out.append((k, cstring(self.data, strtab[4] + st_name)))
                return out
        raise BreakError(f"{self.path}: no .symtab")

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.data)


def clear_livepatch_flag(elf):
    for i, name in enumerate(elf.names):
        sh = elf.header(i)
        if name.startswith(".klp.rela.") and sh[1] == SHT_RELA and sh[2] & SHF_RELA_LIVEPATCH:
            sh[2] &= ~SHF_RELA_LIVEPATCH
            elf.set_header(i, sh)
            return f"cleared SHF_RELA_LIVEPATCH on section [{i}] {name}"
    raise BreakError(f"{elf.path}: no .klp.rela.* section with SHF_RELA_LIVEPATCH")


def vmlinux_sym_in_module_section(elf):
    vmlinux_syms = [(k, n) for k, n in elf.symbols() if n.startswith(".klp.sym.vmlinux.")]
    if not vmlinux_syms:
        raise BreakError(f"{elf.path}: no .klp.sym.vmlinux.* symbol")
    sym_index, sym_name = vmlinux_syms[0]
    for i, name in enumerate(elf.names):
        sh = elf.header(i)
        if not name.startswith(".klp.rela.") or name.startswith(".klp.rela.vmlinux.") or sh[1] != SHT_RELA:
            continue
        if sh[5] < RELA.size:
            continue
        r_offset, r_info, r_addend = RELA.unpack_from(elf.data, sh[4])
        RELA.pack_into(elf.data, sh[4], r_offset, (sym_index << 32) | (r_info & 0xFFFFFFFF), r_addend)
        return f"relocation 0 of section [{i}] {name} now refers to symbol {sym_index} {sym_name}"
    raise BreakError(f"{elf.path}: no module-specific .klp.rela.<module>.* section with relocations")


EDITS = {
    "clear-livepatch-flag": clear_livepatch_flag,
    "vmlinux-sym-in-module-section": vmlinux_sym_in_module_section,
}


def main(argv):
    if len(argv) != 4 or argv[1] not in EDITS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        elf = Elf(argv[2])
        print(f"elf_break: {EDITS[argv[1]](elf)}")
        elf.write(argv[3])
    except (BreakError, OSError, struct.error) as err:
        print(f"elf_break: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
