#!/usr/bin/env bash
# Writes DIR/spark3d-gpu-linux-x64.tar.gz: a self-contained linux-x64 publish of `spark3d` (and the `Spark3D.Bench`
# benchmarks, for the GPU check) that brings its own .NET runtime, TorchSharp's managed code and libLibTorchSharp.so
# (with the GLIBCXX_3.4.32 requirement always made weak), and NO libtorch: on the target, point
# spark3d.model.device.libtorch-path at a CUDA libtorch (e.g. a torch wheel's torch/lib). Unpacking needs only tar and
# gzip; running needs only glibc and libstdc++ (no .NET SDK, no ICU: the build is culture-invariant).
#
#   bash scripts/package-gpu.sh DIR
#
# Prints the archive's path and size; fails if it is 60 MiB or more. See docs/cuda.md.
set -euo pipefail
if [[ $# -ne 1 ]]; then sed -n 2,10p "$0"; exit 2; fi
cd "$(dirname "$0")/.."
mkdir -p "$1"
out=$(cd "$1" && pwd)
archive=$out/spark3d-gpu-linux-x64.tar.gz
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
app=$stage/spark3d-gpu

# Spark3DSystemLibStdCxx=/nonexistent: patch libLibTorchSharp.so whatever libstdc++ this build machine has.
for project in src/Spark3D.Host bench/Spark3D.Bench; do
  dotnet publish "$project" -c Release -r linux-x64 --self-contained -o "$app" -nologo -v quiet \
    -p:Spark3DSystemLibStdCxx=/nonexistent -p:DebugType=none >/dev/null
done

# Drop the CPU libtorch that the libtorch-cpu-linux-x64 package put next to the program (hundreds of MB): the GPU
# machine brings its own. The list comes from the package itself, so a new libtorch version needs no edit here.
nuget=$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')
native=$(ls -d "$nuget"/libtorch-cpu-linux-x64/*/runtimes/linux-x64/native | tail -1)
removed=0
for f in "$native"/*; do
  name=$(basename "$f")
  [[ -e $app/$name ]] && { rm -f "$app/$name"; removed=$((removed + 1)); }
done
# Debugger/diagnostics-only runtime parts.
rm -f "$app"/createdump "$app"/libmscordaccore.so "$app"/libmscordbi.so

[[ -f $app/libLibTorchSharp.so ]] || { echo "package-gpu: libLibTorchSharp.so missing from the publish" >&2; exit 1; }
[[ ! -e $app/libtorch_cpu.so ]] || { echo "package-gpu: CPU libtorch still present" >&2; exit 1; }

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | grep -q . && echo "+dirty" || true)
cat > "$app/PACKAGE.txt" <<TXT
spark3d GPU package, linux-x64, self-contained (.NET runtime included), no libtorch.
source: $commit$dirty, built $(date -u +%Y-%m-%dT%H:%M:%SZ)
TorchSharp 0.107.0 (built against libtorch 2.10); libLibTorchSharp.so: GLIBCXX_3.4.32 requirement weak.
removed $removed CPU libtorch files from $native
run:   ./spark3d-gpu/spark3d pretrain --device cuda -D spark3d.model.device.libtorch-path=/path/to/torch/lib ...
bench: ./spark3d-gpu/Spark3D.Bench train-step --device cuda --libtorch-path /path/to/torch/lib ...
TXT

tar -C "$stage" -czf "$archive" spark3d-gpu
size=$(stat -c %s "$archive")
limit=$((60 * 1024 * 1024))
printf 'package-gpu: %s (%.1f MiB, %d files, %d CPU libtorch files left out)\n' "$archive" "$(awk "BEGIN{print $size/1048576}")" \
  "$(find "$app" -type f | wc -l)" "$removed"
if (( size >= limit )); then echo "package-gpu: archive is over 60 MiB" >&2; exit 1; fi
