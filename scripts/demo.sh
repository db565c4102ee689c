#!/usr/bin/env bash
# The main job on the built-in default data (synthetic brain phantoms), from a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt.sh
ensure_apt_packages libjemalloc2
dotnet build src/Spark3D.Host -c Release -nologo -v quiet
exec dotnet src/Spark3D.Host/bin/Release/net10.0/spark3d.dll config "$@"
