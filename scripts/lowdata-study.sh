#!/usr/bin/env bash
# Low-data study (issue 6): does SparK MAE pre-training help when only 1, 2 or 4 labelled volumes exist?
#  1. N_UNLABELLED unlabelled phantoms -> MAE pre-training of the tiny preset (PRE_STEPS steps, 32^3 patches, 8^3 blocks).
#  2. For each training-set size k in SIZES and each seed s in SEEDS: fine-tune on k labelled phantoms (a different
#     k-subset per seed) with `spark3d finetune --pretrained` and, with the same steps, `--from-scratch`.
#  3. `spark3d predict` on N_TEST held-out labelled phantoms, `spark3d evaluate --json` -> mean Dice (labels 1-4).
#     (OVERLAP: sliding-window overlap of predict, 0.5 = nnU-Net; 0 is ~4x cheaper on CPU.)
#  4. Table: mean +- std of mean Dice over seeds. Raw numbers in $OUT/results.tsv.
# Everything runs at SPACING mm (phantoms drawn at 2-3 mm, preprocessed to 2 mm) to fit a small CPU budget.
# Phantoms: `spark3d phantoms` when this build has it, else the bench stand-in `lowdata-prep phantoms` (same layout).
# Pre-training: the bench stand-in `lowdata-prep pretrain` (SparkMae + TrainingStep directly) unless
# USE_SPARK3D_PRETRAIN=1, which runs `spark3d pretrain` (issue 4) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/lowdata-study}
N_UNLABELLED=${N_UNLABELLED:-200}
PRE_STEPS=${PRE_STEPS:-300}
FT_STEPS=${FT_STEPS:-100}
SEEDS=${SEEDS:-"1 2 3"}
SIZES=${SIZES:-"1 2 4"}
N_TEST=${N_TEST:-10}
SPACING=${SPACING:-2}
OVERLAP=${OVERLAP:-0.5}
PATCH=32
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

dotnet build src/Spark3D.Host -c Release -nologo -v quiet >/dev/null
dotnet build bench/Spark3D.Bench -c Release -nologo -v quiet >/dev/null
source scripts/lib/jemalloc.sh
S=src/Spark3D.Host/bin/Release/net10.0/spark3d
B=bench/Spark3D.Bench/bin/Release/net10.0/Spark3D.Bench
CFG=(-D "spark3d.preprocess.target-spacing=[$SPACING,$SPACING,$SPACING]" -D spark3d.data.phantoms.min-spacing-mm=2
     -D spark3d.data.phantoms.max-spacing-mm=3 -D spark3d.pipeline.preprocessors=2 -D spark3d.pipeline.checkpoint-every=100000
     -D spark3d.model.device.threads=1)
# One intra-op thread per process and the two methods side by side: on a loaded 2-core box OpenMP with 2 threads
# spins (predict measured 60 s vs 9 s per volume).
mkdir -p "$OUT/runs"
start=$(date +%s)
say() { echo "[$(( $(date +%s) - start )) s] $*"; }

phantoms() { # COUNT DIR SEED [--labels]
  if $S phantoms --help 2>&1 | grep -q -- "--labels"; then $S "${CFG[@]}" phantoms --count "$1" --output "$2" --seed "$3" ${4:-} >/dev/null
  else $B lowdata-prep phantoms --count "$1" --output "$2" --seed "$3" --min-spacing 2 --max-spacing 3 ${4:-} >/dev/null; fi
}

[ -d "$OUT/unlabelled" ] || { say "phantoms: $N_UNLABELLED unlabelled"; phantoms "$N_UNLABELLED" "$OUT/unlabelled" 1000; }
[ -d "$OUT/pool" ] || { say "phantoms: 12 labelled (training pool)"; phantoms 12 "$OUT/pool" 2000 --labels; }
[ -d "$OUT/test" ] || { say "phantoms: $N_TEST labelled (held out)"; phantoms "$N_TEST" "$OUT/test" 3000 --labels; }

if [ ! -d "$OUT/pretrain/checkpoints" ]; then
  say "pre-training tiny MAE, $PRE_STEPS steps"
  if [ "${USE_SPARK3D_PRETRAIN:-0}" = 1 ]; then
    $S "${CFG[@]}" -D spark3d.model.preset=tiny -D "spark3d.data.patch-size=[$PATCH,$PATCH,$PATCH]" -D spark3d.mae.block-size=8 \
      pretrain --data "$OUT/unlabelled" --run-dir "$OUT/pretrain" --steps "$PRE_STEPS"
  else
    $B lowdata-prep pretrain --images "$OUT/unlabelled" --output "$OUT/pretrain/checkpoints" --steps "$PRE_STEPS" \
      --preset tiny --patch $PATCH --batch 2 --block 8 --ratio 0.75 --spacing "$SPACING" --seed 0
  fi
fi

subset() { # SEED K -> data dir with k cases starting at (seed-1)*4 of the pool
  local d="$OUT/train-s$1-k$2"
  if [ ! -d "$d" ]; then
    mkdir -p "$d/imagesTr" "$d/labelsTr"
    ls "$OUT/pool/labelsTr" | sort | tail -n +$(( ($1 - 1) * 4 + 1 )) | head -n "$2" | while read -r f; do
      ln -s "$OUT/pool/labelsTr/$f" "$d/labelsTr/$f"; ln -s "$OUT/pool/imagesTr/${f%.nii.gz}_0000.nii.gz" "$d/imagesTr/"
    done
    cp "$OUT/pool/dataset.json" "$d/"
  fi
  echo "$d"
}

[ -f "$OUT/results.tsv" ] || printf "method\tk\tseed\tmean_dice\n" > "$OUT/results.tsv"
one_run() { # METHOD K SEED DATA
  local method=$1 k=$2 s=$3 data=$4 run="$OUT/runs/$1-k$2-s$3" init dice
  grep -q "^$method	$k	$s	" "$OUT/results.tsv" && return 0
  if [ "$method" = pretrained ]; then init=(--pretrained "$OUT/pretrain/checkpoints"); else init=(--from-scratch); fi
  say "finetune $method k=$k seed=$s"
  $S "${CFG[@]}" finetune --data "$data" --run-dir "$run" --steps "$FT_STEPS" "${init[@]}" --preset tiny --patch $PATCH --batch 2 --seed "$s" \
    > "$run.log" 2>&1 || { cat "$run.log"; return 1; }
  $S "${CFG[@]}" predict --model "$run" --input "$OUT/test/imagesTr" --output "$run/pred" --overlap "$OVERLAP" > "$run.predict.log" 2>&1 || { cat "$run.predict.log"; return 1; }
  dice=$($S evaluate --pred "$run/pred" --ref "$OUT/test/labelsTr" --json --no-hd95 | $PY -c 'import json,sys; print(json.load(sys.stdin)["foreground_mean"]["Dice"])')
  printf "%s\t%s\t%s\t%s\n" "$method" "$k" "$s" "$dice" >> "$OUT/results.tsv"
  say "  $method k=$k seed=$s: mean Dice $dice"
}
for k in $SIZES; do
  for s in $SEEDS; do
    data=$(subset "$s" "$k")
    one_run pretrained "$k" "$s" "$data" & a=$!
    one_run scratch "$k" "$s" "$data" & b=$!
    wait $a && wait $b
  done
done

say "done; settings: $N_UNLABELLED unlabelled, $PRE_STEPS pre-training steps, $FT_STEPS fine-tuning steps, patch $PATCH^3, batch 2, $SPACING mm, $N_TEST held-out, overlap $OVERLAP"
$PY - "$OUT/results.tsv" <<'PYEOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
ks = sorted({int(r["k"]) for r in rows})
print("| labelled volumes | from scratch (mean Dice) | pre-trained (mean Dice) | difference |")
print("|---|---|---|---|")
for k in ks:
    cell = {}
    for m in ("scratch", "pretrained"):
        v = [float(r["mean_dice"]) for r in rows if r["method"] == m and int(r["k"]) == k]
        cell[m] = (statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 0.0, len(v)) if v else None
    fmt = lambda c: f"{c[0]:.3f} ± {c[1]:.3f} (n={c[2]})" if c else "-"
    diff = f"{cell['pretrained'][0] - cell['scratch'][0]:+.3f}" if cell["scratch"] and cell["pretrained"] else "-"
    print(f"| {k} | {fmt(cell['scratch'])} | {fmt(cell['pretrained'])} | {diff} |")
PYEOF
