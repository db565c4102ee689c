#!/usr/bin/env python3
"""Which symbols a shared library needs that a set of other libraries does not define.

Used by scripts/gpu-check.sh to tell, before anything crashes, whether TorchSharp's libLibTorchSharp.so (built against
libtorch 2.10) can bind to another libtorch (e.g. the torch 2.11 wheel on a GPU machine). Pure standard library: the
GPU machine may have no binutils.

  elf_symbols.py missing LIB PROVIDER... [--system] [--ignore SYMBOL]... [--json FILE]

--system adds the system libraries LIB needs besides libtorch (libstdc++, libc, ...), found with ldconfig.
--ignore leaves out a symbol known never to be called (e.g. _ZSt21ios_base_library_initv, which GCC 13's <iostream>
only references, see docs/cuda.md).

Prints a summary line, then one line per missing strong symbol: 'OBJECT|FUNC  mangled  [demangled]'.
Exit 0 when nothing is missing, 3 when something is. Data symbols (OBJECT) must resolve when the library is loaded;
functions resolve lazily at their first call (dlopen RTLD_LAZY), so a missing function only breaks the ops that use it.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

SHT_DYNSYM = 11
STB_LOCAL, STB_WEAK = 0, 2
STT_NAMES = {0: "NOTYPE", 1: "OBJECT", 2: "FUNC", 6: "TLS", 10: "IFUNC"}


def dynamic_symbols(path):
    """Returns (defined: set[str], undefined: dict[str, (type, weak)]) from the ELF64 .dynsym of path."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path}: not a little-endian ELF64 file")
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    defined, undefined = set(), {}
    for sh in sections:
        if sh[1] != SHT_DYNSYM:
            continue
        offset, size, link, entsize = sh[4], sh[5], sh[6], sh[9] or 24
        strtab_off = sections[link][4]
        for i in range(1, size // entsize):
            st_name, st_info, _other, st_shndx, _value, _size = struct.unpack_from("<IBBHQQ", data, offset + i * entsize)
            end = data.index(b"\0", strtab_off + st_name)
            name = data[strtab_off + st_name:end].decode("ascii", "replace")
            bind, kind = st_info >> 4, st_info & 0xF
            if not name or bind == STB_LOCAL:
                continue
            if st_shndx == 0:
                undefined[name] = (STT_NAMES.get(kind, str(kind)), bind == STB_WEAK)
            else:
                defined.add(name)
    return defined, undefined


def system_libraries(names):
    """Paths of the given sonames from `ldconfig -p` (x86-64 entries), for the libc/libstdc++ side of the check."""
    try:
        out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return []
    found = {}
    for line in out.splitlines():
        parts = line.strip().split(" => ")
        if len(parts) != 2:
            continue
        soname = parts[0].split(" ")[0]
        if soname in names and "x86-64" in parts[0] and soname not in found:
            found[soname] = parts[1]
    return list(found.values())


def needed(path):
    """DT_NEEDED entries, via the dynamic section (parsed from the program headers' PT_DYNAMIC)."""
    with open(path, "rb") as f:
        data = f.read()
    e_phoff, = struct.unpack_from("<Q", data, 0x20)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 0x36)
    dyn = None
    loads = []
    for i in range(e_phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz, _memsz, _align = struct.unpack_from("<IIQQQQQQ", data, e_phoff + i * e_phentsize)
        if p_type == 2:
            dyn = (p_offset, p_filesz)
        elif p_type == 1:
            loads.append((p_vaddr, p_offset, p_filesz))
    if dyn is None:
        return []
    entries, strtab = [], None
    for i in range(dyn[1] // 16):
        tag, val = struct.unpack_from("<qQ", data, dyn[0] + i * 16)
        if tag == 0:
            break
        if tag == 1:
            entries.append(val)
        elif tag == 5:
            strtab = val
    if strtab is None:
        return []
    base = next(off + (strtab - va) for va, off, size in loads if va <= strtab < va + size)
    return [data[base + e:data.index(b"\0", base + e)].decode() for e in entries]


def demangle(names):
    tool = shutil.which("c++filt")
    if not tool or not names:
        return {n: "" for n in names}
    out = subprocess.run([tool], input="\n".join(names), capture_output=True, text=True, check=False).stdout.splitlines()
    return {n: (d if d != n else "") for n, d in zip(names, out)}


def main(argv):
    if len(argv) < 3 or argv[0] != "missing":
        print(__doc__, file=sys.stderr)
        return 2
    args = argv[1:]
    json_out = None
    if "--json" in args:
        i = args.index("--json")
        json_out = args[i + 1]
        del args[i:i + 2]
    ignored = set()
    while "--ignore" in args:
        i = args.index("--ignore")
        ignored.add(args[i + 1])
        del args[i:i + 2]
    use_system = "--system" in args
    args = [a for a in args if a != "--system"]
    lib, providers = args[0], args[1:]
    if use_system:
        sys_names = [n for n in needed(lib) if not n.startswith(("libtorch", "libc10"))]
        providers += system_libraries(set(sys_names))
    available = set()
    for p in providers:
        if os.path.exists(p):
            available |= dynamic_symbols(p)[0]
    _, undefined = dynamic_symbols(lib)
    missing = sorted(n for n, (kind, weak) in undefined.items() if not weak and n not in available and n not in ignored)
    names = demangle(missing)
    objects = [n for n in missing if undefined[n][0] == "OBJECT"]
    print(f"{os.path.basename(lib)}: {len(undefined)} imported symbols, {len(missing)} missing from "
          f"{len(providers)} libraries ({len(objects)} data symbols, which fail the load; "
          f"{len(missing) - len(objects)} functions, which fail at first call)")
    for n in missing:
        print(f"  {undefined[n][0]:<6} {n}  {names[n]}".rstrip())
    if json_out:
        with open(json_out, "w") as f:
            json.dump({"library": lib, "providers": providers, "imported": len(undefined),
                       "missing": [{"symbol": n, "type": undefined[n][0], "demangled": names[n]} for n in missing]}, f, indent=1)
    return 3 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
