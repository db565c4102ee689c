#!/usr/bin/env bash
# Low-data study (issue 12): does SparK MAE pre-training give better segmentations from 1, 2, 4 and 8 labelled volumes?
# One script, real commands only (spark3d phantoms / preprocess / pretrain / finetune / predict / evaluate):
#  1. Phantoms, made harder than the defaults (NOISE, BIAS; optionally skull-stripped, SKULL_STRIPPED; docs/finetune.md
#     "Low-data study" says why), drawn from PHANTOM_SEEDS (unlabelled, labelled pool, test):
#     N_UNLABELLED unlabelled, a labelled pool of N_POOL training + N_VAL validation cases, N_TEST held-out test cases.
#  2. `spark3d preprocess` the unlabelled ones, `spark3d pretrain` the tiny preset for PRE_STEPS steps.
#  3. Sweep (validation cases only, never the test cases): the pre-trained arm's peak lr x warm-up fraction at
#     SWEEP_K labelled cases; the best mean validation pseudo-Dice over the last three validations wins.
#  4. For every k in SIZES and seed in SEEDS: fine-tune on k pool cases (a seeded subset per seed, the same subset for
#     both arms) with --pretrained (the sweep's setting) and --from-scratch (nnU-Net's defaults), FT_STEPS steps each,
#     validated every VAL_EVERY steps on the N_VAL validation cases (splits_final.json); predict the N_TEST test cases,
#     `spark3d evaluate` -> foreground-mean Dice.
#  5. $DOCS/results.json (rows: labelled, means, stds, paired t-test p), dice.png, validation-curves.png, sweep.tsv,
#     per-class.md.
# Knobs are environment variables (defaults below). Reruns skip what is done ($OUT keeps every run).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/lowdata-study}
DOCS=${DOCS:-docs/lowdata-study}
N_UNLABELLED=${N_UNLABELLED:-200}
N_POOL=${N_POOL:-16}
N_VAL=${N_VAL:-4}
N_TEST=${N_TEST:-8}
NOISE=${NOISE:-0.12}
BIAS=${BIAS:-0.4}
SKULL_STRIPPED=${SKULL_STRIPPED:-true}
# The defaults reproduce docs/lowdata-study (the second attempt). The first attempt (noisy air around the head):
# SKULL_STRIPPED=false PHANTOM_SEEDS="1000 2000 3000" DOCS=docs/lowdata-study/attempt-1.
read -r SEED_UNLABELLED SEED_POOL SEED_TEST <<< "${PHANTOM_SEEDS:-11000 12000 13000}"
SPACING=${SPACING:-2}
PATCH=${PATCH:-32}
PRE_STEPS=${PRE_STEPS:-2000}
PRE_BATCH=${PRE_BATCH:-4}
FT_STEPS=${FT_STEPS:-500}
VAL_EVERY=${VAL_EVERY:-50}
SIZES=${SIZES:-"1 2 4 8"}
SEEDS=${SEEDS:-"1 2 3 4 5"}
SWEEP_K=${SWEEP_K:-2}
SWEEP_SEED=${SWEEP_SEED:-101}
SWEEP_LRS=${SWEEP_LRS:-"1e-3 1e-2"}
SWEEP_WARMUPS=${SWEEP_WARMUPS:-"0.05 0.2"}
OVERLAP=${OVERLAP:-0.25}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

dotnet build src/Spark3D.Host -c Release -nologo -v quiet >/dev/null
source scripts/lib/jemalloc.sh
S=src/Spark3D.Host/bin/Release/net10.0/spark3d
# One intra-op thread per process and two runs side by side: on 2 cores that beats one run with 2 threads.
COMMON=(-D "spark3d.preprocess.target-spacing=[$SPACING,$SPACING,$SPACING]" -D spark3d.model.device.threads=1
        -D spark3d.pipeline.preprocessors=1 -D spark3d.pipeline.checkpoint-every=100000)
HARD=(-D spark3d.data.phantoms.min-spacing-mm=2 -D spark3d.data.phantoms.max-spacing-mm=3
      -D spark3d.data.phantoms.noise-sigma="$NOISE" -D spark3d.data.phantoms.bias-strength="$BIAS"
      -D spark3d.data.phantoms.skull-stripped="$SKULL_STRIPPED")
FT=(-D spark3d.finetune.validation.every-steps="$VAL_EVERY" -D spark3d.predict.test-time-mirroring=off)
mkdir -p "$OUT/runs" "$DOCS"
start=$(date +%s)
say() { echo "[$(( $(date +%s) - start )) s] $*"; }

[ -d "$OUT/unlabelled" ] || { say "phantoms: $N_UNLABELLED unlabelled"; $S "${HARD[@]}" phantoms -q --count "$N_UNLABELLED" --output "$OUT/unlabelled" --seed "$SEED_UNLABELLED" >/dev/null; }
[ -d "$OUT/pool" ] || { say "phantoms: $((N_POOL + N_VAL)) labelled (training pool + validation)"; $S "${HARD[@]}" phantoms -q --labels --count $((N_POOL + N_VAL)) --output "$OUT/pool" --seed "$SEED_POOL" >/dev/null; }
[ -d "$OUT/test" ] || { say "phantoms: $N_TEST labelled, held out for testing"; $S "${HARD[@]}" phantoms -q --labels --count "$N_TEST" --output "$OUT/test" --seed "$SEED_TEST" >/dev/null; }
[ -f "$OUT/cache/manifest.jsonl" ] || { say "preprocess the unlabelled phantoms"; $S "${COMMON[@]}" preprocess -q --input "$OUT/unlabelled" --output "$OUT/cache" >/dev/null; }
if [ ! -f "$OUT/pretrain/checkpoints/step-$(printf %06d "$PRE_STEPS").ckpt" ]; then
  say "pretrain tiny, $PRE_STEPS steps, batch $PRE_BATCH, $PATCH^3 patches, 8^3 mask blocks"
  $S "${COMMON[@]}" -D spark3d.mae.block-size=8 -D spark3d.pipeline.checkpoint-every=500 pretrain -q --data "$OUT/cache" \
    --run-dir "$OUT/pretrain" --preset tiny --patch "$PATCH" --batch "$PRE_BATCH" --steps "$PRE_STEPS" > "$OUT/pretrain.out" 2>&1 \
    || { cat "$OUT/pretrain.out"; exit 1; }
fi

# Cases: the pool's first N_POOL are training candidates, its last N_VAL the fixed validation cases.
mapfile -t POOL < <(ls "$OUT/pool/labelsTr" | sort | sed 's/\.nii\.gz$//')
TRAIN_POOL=("${POOL[@]:0:$N_POOL}")
VAL_CASES=("${POOL[@]:$N_POOL:$N_VAL}")

dataset() { # SEED K -> data dir with k seeded training cases and the validation cases; prints "dir<TAB>case,case"
  local d="$OUT/data/s$1-k$2" picked
  picked=$($PY -c 'import random,sys; c=sys.argv[3:]; random.Random(int(sys.argv[1])).shuffle(c); print(",".join(sorted(c[:int(sys.argv[2])])))' "$1" "$2" "${TRAIN_POOL[@]}")
  if [ ! -d "$d" ]; then
    mkdir -p "$d.tmp/imagesTr" "$d.tmp/labelsTr"
    for c in ${picked//,/ } "${VAL_CASES[@]}"; do
      ln -sf "$OUT/pool/labelsTr/$c.nii.gz" "$d.tmp/labelsTr/"; ln -sf "$OUT/pool/imagesTr/${c}_0000.nii.gz" "$d.tmp/imagesTr/"
    done
    cp "$OUT/pool/dataset.json" "$d.tmp/"
    mv "$d.tmp" "$d"
  fi
  printf "%s\t%s\n" "$d" "$picked"
}

# finetune NAME SEED K TEST(0|1) ARGS... : one fine-tuning run, its validation split fixed, then (TEST=1) the test Dice.
finetune() {
  local name=$1 seed=$2 k=$3 test=$4; shift 4
  local run="$OUT/runs/$name" info d picked
  [ -f "$run/done" ] && return 0
  info=$(dataset "$seed" "$k"); d=${info%%$'\t'*}; picked=${info#*$'\t'}
  rm -rf "$run"; mkdir -p "$run"
  $PY -c 'import json,sys; json.dump([{"train": sys.argv[1].split(","), "val": sys.argv[2:]}], sys.stdout)' \
    "$picked" "${VAL_CASES[@]}" > "$run/splits_final.json"
  $S "${COMMON[@]}" "${FT[@]}" "${EXTRA[@]}" finetune -q --data "$d" --run-dir "$run" --steps "$FT_STEPS" --preset tiny \
    --patch "$PATCH" --batch 2 --seed "$seed" "$@" > "$run.log" 2>&1 || { cat "$run.log"; return 1; }
  if [ "$test" = 1 ]; then
    $S "${COMMON[@]}" "${FT[@]}" predict -q --model "$run" --input "$OUT/test/imagesTr" --output "$run/pred" --overlap "$OVERLAP" \
      > "$run.predict.log" 2>&1 || { cat "$run.predict.log"; return 1; }
    $S evaluate --pred "$run/pred" --ref "$OUT/test/labelsTr" --json --no-hd95 > "$run/evaluation.json"
    rm -rf "$run/pred"
  fi
  touch "$run/done"
  say "  $name done"
}

# Two runs at a time (one thread each).
pending=()
queue() { "$@" & pending+=($!); if [ ${#pending[@]} -ge 2 ]; then wait "${pending[0]}"; pending=("${pending[@]:1}"); fi; }
drain() { for p in "${pending[@]}"; do wait "$p"; done; pending=(); }

say "sweep: pre-trained arm, k=$SWEEP_K, lr {$SWEEP_LRS} x warm-up {$SWEEP_WARMUPS}, validation cases only"
EXTRA=()
for lr in $SWEEP_LRS; do
  for w in $SWEEP_WARMUPS; do
    EXTRA=(-D spark3d.finetune.pretrained-lr="$lr" -D spark3d.finetune.all-warmup-fraction="$w")
    dataset "$SWEEP_SEED" "$SWEEP_K" >/dev/null  # made here, not by two runs at once
    queue finetune "sweep-lr$lr-w$w" "$SWEEP_SEED" "$SWEEP_K" 0 --pretrained "$OUT/pretrain"
  done
done
drain
read -r BEST_LR BEST_W < <($PY - "$OUT/runs" "$SWEEP_LRS" "$SWEEP_WARMUPS" "$DOCS/sweep.tsv" <<'PYEOF'
import json, sys
runs, lrs, ws, out = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4]
rows = []
for lr in lrs:
    for w in ws:
        vals = [json.loads(l)["pseudo_dice"] for l in open(f"{runs}/sweep-lr{lr}-w{w}/metrics.jsonl") if '"pseudo_dice"' in l]
        rows.append((sum(vals[-3:]) / len(vals[-3:]), lr, w))
with open(out, "w") as f:
    f.write("pretrained_lr\tall_warmup_fraction\tvalidation_pseudo_dice_last3\n")
    for score, lr, w in rows: f.write(f"{lr}\t{w}\t{score:.4f}\n")
best = max(rows)
print(best[1], best[2])
PYEOF
)
say "sweep picked lr $BEST_LR, warm-up fraction $BEST_W (table: $DOCS/sweep.tsv)"

for k in $SIZES; do
  for s in $SEEDS; do
    dataset "$s" "$k" >/dev/null
    EXTRA=(-D spark3d.finetune.pretrained-lr="$BEST_LR" -D spark3d.finetune.all-warmup-fraction="$BEST_W")
    queue finetune "pretrained-k$k-s$s" "$s" "$k" 1 --pretrained "$OUT/pretrain"
    EXTRA=()
    queue finetune "scratch-k$k-s$s" "$s" "$k" 1 --from-scratch
  done
done
drain

say "analysis"
$PY scripts/lowdata-study-report.py --runs "$OUT/runs" --out "$DOCS" --sizes $SIZES --seeds $SEEDS \
  --settings "$N_UNLABELLED unlabelled, $PRE_STEPS MAE steps (batch $PRE_BATCH), $FT_STEPS fine-tuning steps, patch $PATCH^3, $SPACING mm, noise $NOISE, bias $BIAS, skull-stripped $SKULL_STRIPPED, phantom seeds $SEED_UNLABELLED/$SEED_POOL/$SEED_TEST, $N_VAL validation / $N_TEST test cases, overlap $OVERLAP, sweep lr $BEST_LR warm-up $BEST_W"
say "done"
