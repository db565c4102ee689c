#!/usr/bin/env bash
# Measures the peak RSS (VmHWM, via GNU time's %M) of real `spark3d pretrain`, `finetune` and `predict` runs on CPU for
# the three presets at small patches, one process per run. spark3d preloads jemalloc itself, as in production. The memory
# preflight is switched off so it cannot refuse a run. The figures feed MemoryCalibration.cs (method: docs/memory.md).
#   scripts/memory-calibration.sh [OUT_DIR]
# Environment: PARTS="pretrain finetune" (predict runs with finetune), DTYPE=fp32|bf16, SPARK3D_DLL=path to spark3d.dll
# (default: this checkout's Release build; point it at a copy to keep building while it runs).
# About 25 minutes per dtype on 2 cores; needs /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d /tmp/spark3d-memcal-XXXX)}
spark3d="dotnet ${SPARK3D_DLL:-src/Spark3D.Host/bin/Release/net10.0/spark3d.dll}"
dtype=${DTYPE:-fp32}
common=(-D spark3d.model.device.device=cpu -D "spark3d.model.device.bf16=$([ "$dtype" = bf16 ] && echo true || echo false)"
        -D spark3d.telemetry.prometheus.enabled=off -D spark3d.telemetry.console=off -D spark3d.pipeline.preprocessors=2
        -D spark3d.telemetry.reconstruction.every-steps=0 -D spark3d.model.device.memory-preflight=off)
# 2 mm volumes (about 90 x 100 x 85 voxels) keep predict's sliding window short; patches are cut from them as at 1 mm.
coarse=(-D "spark3d.preprocess.target-spacing=[2,2,2]")
mkdir -p "$out"
[ -d "$out/data" ] || $spark3d phantoms --count 2 --output "$out/data" --labels >/dev/null

peak() { # peak RSS in MiB of one command; its output goes to $out/log
  /usr/bin/time -f "%M" -o "$out/rss" "$@" >>"$out/log" 2>&1 || { echo "failed: $*" >&2; tail -5 "$out/log" >&2; return 1; }
  echo $(( $(cat "$out/rss") / 1024 ))
}
row() { printf '%-9s %-5s %-9s %5s %5s %s\n' "$@"; }

row mode dtype preset patch batch peak_rss_mib
pretrain() { # preset patch batch
  rm -rf "$out/pre"
  row pretrain "$dtype" "$1" "$2" "$3" "$(peak $spark3d pretrain --run-dir "$out/pre" --data "$out/data/imagesTr" \
    --preset "$1" --patch "$2" --batch "$3" --steps 2 "${common[@]}")"
}
finetune() { # preset patch batch
  rm -rf "$out/ft-$1-$2"
  row finetune "$dtype" "$1" "$2" "$3" "$(peak $spark3d finetune --data "$out/data" --run-dir "$out/ft-$1-$2" --from-scratch \
    --preset "$1" --patch "$2" --batch "$3" --steps 2 "${common[@]}" "${coarse[@]}")"
}
predict() { # preset patch: the finetune run of the same preset and patch, one 2 mm phantom
  rm -rf "$out/pred"
  row predict "$dtype" "$1" "$2" 1 "$(peak $spark3d predict --model "$out/ft-$1-$2" --input "$out/data/imagesTr/phantom_000_0000.nii.gz" \
    --output "$out/pred" "${common[@]}")"
}

for part in ${PARTS:-pretrain finetune}; do
  case $part in
    pretrain)
      for preset in tiny small; do for patch in 32 48 64; do for batch in 1 2; do pretrain $preset $patch $batch; done; done; done
      for patch in 32 64; do for batch in 1 2; do pretrain resenc-l $patch $batch; done; done
      pretrain resenc-l 96 1 ;;
    finetune)
      for preset in tiny small resenc-l; do for patch in 32 64; do
        for batch in 1 2; do finetune $preset $patch $batch; done
        predict $preset $patch
      done; done
      finetune resenc-l 96 1 ;;
    *) echo "unknown part '$part'" >&2; exit 2 ;;
  esac
done
