#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian 12 machine with the .NET 10 SDK.
# Installs the Debian packages the tests compare against (nibabel, scipy, PyTorch, real NIfTI files, jemalloc).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt.sh
ensure_apt_packages python3-nibabel python3-scipy python3-numpy python3-torch mricron-data libjemalloc2

dotnet build Spark3D.sln -c Release -nologo -v quiet
# jemalloc: CPU training is ~6x faster than with glibc malloc (see docs/platform notes); tests run with it.
source scripts/lib/jemalloc.sh
log=$(mktemp)
set +e
dotnet test Spark3D.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One plain closing line for CI: totals over all test assemblies.
awk '/Passed!|Failed!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { gsub(",", "", p); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$rc"
