#!/usr/bin/env bash
# Plan B when TorchSharp 0.107's libLibTorchSharp.so (built against libtorch 2.10) does not bind to the libtorch at hand
# (e.g. the torch 2.11 wheel of a GPU machine): rebuild that native layer from TorchSharp's own C++ sources against
# this libtorch's headers. The managed TorchSharp.dll stays as shipped; its P/Invoke names are the sources' exports.
#
#   build-libtorchsharp.sh NATIVE_SRC TORCH_DIR OUT_DIR [JOBS]
#
# NATIVE_SRC  TorchSharp's src/Native folder (LibTorchSharp/*.cpp, Stdafx.h, UnixSal.h), from the commit the NuGet
#             package was built from (0.107.0: dotnet/TorchSharp c20b6a1c). Not part of this repository.
# TORCH_DIR   a folder holding include/ and lib/ (a libtorch zip root, or a Python wheel's site-packages/torch).
# OUT_DIR     receives libLibTorchSharp.so, build.log and one log per translation unit.
# Env: CXX11_ABI (default 1; the wheel's torch._C._GLIBCXX_USE_CXX11_ABI), CXX (default g++), CC (default gcc).
#
# Each translation unit is compiled on its own, in parallel, first as C++17 and, if that fails, as C++20 (newer
# libtorch headers may need it). Units that still fail are left out and listed: their exports are then missing, which
# TorchSharp only notices when one of them is called (EntryPointNotFoundException). Exit 0 when every unit built, 1 when
# some were left out but the library linked, 2 when nothing usable came out.
set -uo pipefail
if [[ $# -lt 3 ]]; then sed -n 2,19p "$0"; exit 2; fi
src=$(cd "$1" && pwd); torch=$(cd "$2" && pwd); out=$3; jobs=${4:-$(nproc)}
mkdir -p "$out/obj" "$out/logs"; out=$(cd "$out" && pwd)
export CXX=${CXX:-g++} CC=${CC:-gcc} CXX11_ABI=${CXX11_ABI:-1}
for tool in "$CXX" "$CC"; do command -v "$tool" >/dev/null || { echo "build-libtorchsharp: $tool not found" >&2; exit 2; }; done
[[ -f $torch/include/torch/csrc/api/include/torch/torch.h ]] || { echo "build-libtorchsharp: no torch/torch.h under $torch/include" >&2; exit 2; }
[[ -f $torch/lib/libtorch_cpu.so ]] || { echo "build-libtorchsharp: no lib/libtorch_cpu.so under $torch" >&2; exit 2; }

# c10/util/Optional.h (used by cifar10.h) was a shim for std::optional; recreate it after the real headers if gone.
shim=$out/shim
mkdir -p "$shim/c10/util"
cat > "$shim/c10/util/Optional.h" <<'H'
#pragma once
#include <optional>
namespace c10 { using std::optional; using std::nullopt; using std::make_optional; }
H

export SRC=$src TORCH=$torch OUT=$out SHIM=$shim
compile_one() {
  local f=$1 name std compiler
  name=$(basename "$f")
  local common=(-O2 -fPIC -fvisibility=hidden -fstack-protector-strong -DNDEBUG -D__LINUX__ -D_NO_ASYNCRTIMP -D_NO_PPLXIMP
                -D_GLIBCXX_USE_CXX11_ABI="$CXX11_ABI" -w -I"$SRC" -I"$SRC/LibTorchSharp" -I"$TORCH/include"
                -I"$TORCH/include/torch/csrc/api/include" -idirafter "$SHIM")
  if [[ $name == *.c ]]; then
    "$CC" -O2 -fPIC -fvisibility=hidden -w -I"$SRC" -c "$f" -o "$OUT/obj/$name.o" > "$OUT/logs/$name.log" 2>&1 \
      && { echo "ok     c      $name"; return 0; }
    echo "FAILED c      $name"; return 0
  fi
  for std in c++17 c++20; do
    if "$CXX" -std=$std "${common[@]}" -c "$f" -o "$OUT/obj/$name.o" > "$OUT/logs/$name.$std.log" 2>&1; then
      echo "ok     $std  $name"; return 0
    fi
  done
  rm -f "$OUT/obj/$name.o"
  echo "FAILED $name (first errors below; full logs in $OUT/logs)"
  grep -m3 "error" "$OUT/logs/$name.c++20.log" | sed 's/^/         /'
}
export -f compile_one

start=$(date +%s)
# Largest first, so the long units start early and the cores stay busy at the end.
ls -S "$src"/LibTorchSharp/*.cpp "$src"/LibTorchSharp/*.c \
  | xargs -P "$jobs" -I{} bash -c 'compile_one "$@"' _ {} | tee "$out/build.log"
objs=("$out"/obj/*.o)
failed=$(grep -c '^FAILED' "$out/build.log")
if [[ ! -e ${objs[0]} ]]; then echo "build-libtorchsharp: nothing compiled" | tee -a "$out/build.log"; exit 2; fi
if ! "$CXX" -shared -o "$out/libLibTorchSharp.so" "${objs[@]}" -L"$torch/lib" -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10 \
     -Wl,-rpath,'$ORIGIN' -Wl,-Bsymbolic -Wl,-Bsymbolic-functions -Wl,--build-id=sha1 >> "$out/build.log" 2>&1; then
  echo "build-libtorchsharp: link failed (see $out/build.log)"; exit 2
fi
echo "build-libtorchsharp: $((${#objs[@]})) units built, $failed left out, $(( $(date +%s) - start )) s -> $out/libLibTorchSharp.so" | tee -a "$out/build.log"
[[ $failed -eq 0 ]] && exit 0 || exit 1
