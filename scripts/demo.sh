#!/usr/bin/env bash
# The main job on the built-in default data, from a fresh clone: builds 32 synthetic brain phantoms (data/phantoms),
# then SparK-MAE pre-trains the `tiny` preset on CPU (runs/demo: checkpoints/, tensorboard/, reconstructions/,
# quarantine.jsonl, summary.json). Rerunning resumes from the last checkpoint. Extra arguments go to `spark3d pretrain`
# (e.g. --steps 300, -D spark3d.data.patch-size=[64,64,64]).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt.sh
ensure_apt_packages libjemalloc2
dotnet build src/Spark3D.Host -c Release -nologo -v quiet
exec dotnet src/Spark3D.Host/bin/Release/net10.0/spark3d.dll pretrain --run-dir runs/demo "$@"
