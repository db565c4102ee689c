#!/usr/bin/env bash
# The GPU check: runs Spark3D.NET's trainer on a lent CUDA machine, from the repository root, in at most ~8 minutes,
# and measures it side by side with that machine's PyTorch. What it needs travels with the working tree:
#   .gpu/spark3d-gpu-linux-x64.tar.gz   bash scripts/package-gpu.sh .gpu
#   .gpu/torchsharp-native/             TorchSharp 0.107's src/Native (only for plan B; see scripts/gpu/build-libtorchsharp.sh)
#
#   bash scripts/gpu-check.sh            (on the GPU machine; writes everything under $OUT, default ./gpu-out)
#
# Steps: (a) probe: nvidia-smi, torch version and torch/lib, glibc, g++/cmake; (b) unpack the package and point
# spark3d.model.device.libtorch-path at torch/lib; (c) list the symbols libLibTorchSharp.so needs that this libtorch
# lacks, and if any, rebuild it from TorchSharp's sources against this torch (plan B) and keep whichever library passes
# a CUDA smoke step; (d) the ResEnc-L SparK step at 160^3 x 2 (fp32 and bf16) ours vs PyTorch, median of 10 after 3
# warm-ups, with peak GPU memory and a per-phase profile, then `spark3d pretrain --device cuda` on phantoms fed by 14
# preprocessors; then (d3) `spark3d finetune --pretrained` that run, `predict` and `evaluate` on labelled phantoms on
# the GPU; (e) one summary table at the end (also $OUT/summary.md).
#
# Without a GPU (nvidia-smi missing) it is a dry run on CPU with the tiny preset and small patches, to test the
# script itself. Knobs: SPARK3D_PYTHON (python with torch; default python3), SPARK3D_TORCH_DIR (a folder with lib/ and
# include/ instead of that python's torch), GPU_CHECK_DEVICE (cuda|cpu), GPU_CHECK_BUDGET_S (default 450),
# GPU_CHECK_FORCE_PLAN_B=1, GPU_CHECK_PRETRAIN_STEPS (default 150), GPU_CHECK_STAGES (default "bench pretrain finetune"),
# GPU_CHECK_PRETRAIN_DTYPE (fp32|bf16), GPU_CHECK_FINETUNE_STEPS (default 60).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
OUT=${OUT:-$repo/gpu-out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/gpu-check.log") 2>&1
start=$(date +%s)
budget=${GPU_CHECK_BUDGET_S:-450}
elapsed() { echo $(( $(date +%s) - start )); }
left() { echo $(( budget - $(elapsed) )); }
section() { echo; echo "== [$(elapsed) s] $*"; }
rows=()
row() { rows+=("$1|$2"); }

python=${SPARK3D_PYTHON:-python3}
stages=" ${GPU_CHECK_STAGES:-bench pretrain finetune} "   # which of (d1) bench, (d2) pretrain, (d3) finetune to run
pretrain_dtype=${GPU_CHECK_PRETRAIN_DTYPE:-fp32}         # (d2) in fp32 or bf16
device=${GPU_CHECK_DEVICE:-}
if [[ -z $device ]]; then command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1 && device=cuda || device=cpu; fi
if [[ $device == cuda ]]; then
  preset=resenc-l; patch=160; batch=2; steps=10; warmup=3; threads=$(nproc); pre_steps=${GPU_CHECK_PRETRAIN_STEPS:-150}
  preprocessors=14; phantoms=48
else
  preset=tiny; patch=32; batch=2; steps=3; warmup=1; threads=2; pre_steps=${GPU_CHECK_PRETRAIN_STEPS:-10}
  preprocessors=2; phantoms=8
fi

section "(a) probe: device=$device"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi
  nvidia-smi --query-gpu=name,memory.total,memory.free,driver_version,clocks.sm,clocks.max.sm --format=csv
else
  echo "nvidia-smi: not found (CPU dry run)"
fi
"$python" - <<'PY'
import os, sys
try:
    import torch
except ImportError as e:
    print("torch: not importable:", e); sys.exit(0)
print("python", sys.version.split()[0], sys.executable)
print("torch", torch.__version__, "| cuda", torch.version.cuda, "| cudnn", torch.backends.cudnn.version(),
      "| cuda available", torch.cuda.is_available(), "| cxx11 abi", torch._C._GLIBCXX_USE_CXX11_ABI)
print("torch/lib", os.path.join(os.path.dirname(torch.__file__), "lib"))
if torch.cuda.is_available():
    p = torch.cuda.get_device_properties(0)
    print("gpu", p.name, f"{p.total_memory / 2**30:.1f} GiB", "sm", f"{p.major}.{p.minor}", p.multi_processor_count, "SMs")
PY
ldd --version 2>&1 | head -1
for tool in g++ gcc cmake ninja nvcc c++filt nm; do printf '%-8s %s\n' "$tool" "$(command -v $tool || echo 'not found')"; done
g++ --version 2>/dev/null | head -1
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) x $(nproc); avx512: $(grep -m1 -o 'avx512[a-z_0-9]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
free -g | head -2

torch_dir=${SPARK3D_TORCH_DIR:-$("$python" -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null)}
torch_lib=$torch_dir/lib
abi=$("$python" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))' 2>/dev/null || echo 1)
torch_version=$("$python" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo unknown)
if [[ ! -f $torch_lib/libtorch_cpu.so ]]; then echo "no libtorch_cpu.so in '$torch_lib': nothing to run against"; exit 1; fi
row "torch (PyTorch side)" "$torch_version, lib $torch_lib"
# A wheel's CUDA libraries live in site-packages/nvidia/*/lib; libtorch_cuda.so finds them through its RUNPATH, but
# cuDNN dlopens its engine libraries by name, which Python makes work by preloading them. Give the loader the folders.
nvidia_libs=$("$python" -c 'import glob, nvidia; print(":".join(d for p in nvidia.__path__ for d in sorted(glob.glob(p + "/*/lib"))))' 2>/dev/null)
export LD_LIBRARY_PATH=$torch_lib${nvidia_libs:+:$nvidia_libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"

section "(b) unpack the package"
pkg=${SPARK3D_GPU_PACKAGE:-$repo/.gpu/spark3d-gpu-linux-x64.tar.gz}
[[ -f $pkg ]] || { echo "missing $pkg (make it with: bash scripts/package-gpu.sh .gpu)"; exit 1; }
run_root=$repo/.gpu/run   # inside the repository: the bench finds bench/python/ by walking up from the program
rm -rf "$run_root"; mkdir -p "$run_root"
tar -xzf "$pkg" -C "$run_root" || { echo "tar failed"; exit 1; }
app=$run_root/spark3d-gpu
cat "$app/PACKAGE.txt"
cp "$app/libLibTorchSharp.so" "$run_root/libLibTorchSharp.stock.so"
ts_opts=(-D "spark3d.model.device.libtorch-path=$torch_lib")
"$app/spark3d" model --preset tiny "${ts_opts[@]}" > "$run_root/model.txt" 2>&1 && echo "spark3d model (CPU, this libtorch): ok" \
  || { echo "spark3d model (CPU, this libtorch) FAILED:"; tail -20 "$run_root/model.txt"; }

section "(c) does TorchSharp 0.107's native layer bind to this libtorch?"
"$python" scripts/gpu/elf_symbols.py missing "$app/libLibTorchSharp.so" "$torch_lib"/*.so --system \
  --ignore _ZSt21ios_base_library_initv > "$OUT/missing-symbols.txt"
missing=$?
head -60 "$OUT/missing-symbols.txt"
n_missing=$(grep -c '^  ' "$OUT/missing-symbols.txt")
row "symbols libLibTorchSharp.so lacks in this libtorch" "$n_missing (list: missing-symbols.txt)"

smoke() { # $1 = label; one CUDA (or CPU) training step of the tiny preset through the packaged bench
  timeout 120 "$app/Spark3D.Bench" train-step --worker --preset tiny --patch 32 --batch 1 --threads 2 --steps 1 --warmup 1 \
    --device "$device" --libtorch-path "$torch_lib" > "$run_root/smoke-$1.txt" 2>&1
  local rc=$?
  if [[ $rc -eq 0 ]] && grep -q '"last_loss"' "$run_root/smoke-$1.txt"; then echo "smoke ($1): ok"; return 0; fi
  echo "smoke ($1): FAILED (exit $rc)"; grep -v '^\s*at ' "$run_root/smoke-$1.txt" | head -15; return 1
}

# Plan B runs in the background at low priority: if the stock library passes the smoke step, the measurements go on
# with it meanwhile, and the rebuilt one is checked at the end; if the stock one fails, we wait for plan B.
plan_b_pid=
if [[ $missing -ne 0 || ${GPU_CHECK_FORCE_PLAN_B:-0} == 1 ]]; then
  native=${TORCHSHARP_NATIVE_SRC:-$repo/.gpu/torchsharp-native}
  if [[ -d $native/LibTorchSharp ]]; then
    jobs=$(( $(nproc) > 4 ? $(nproc) - 2 : 2 ))
    echo "plan B: building libLibTorchSharp.so from $native against $torch_dir ($jobs jobs, nice 19, in the background)"
    ( CXX11_ABI=$abi timeout $(( $(left) > 330 ? 300 : $(left) - 30 )) nice -n 19 \
        bash scripts/gpu/build-libtorchsharp.sh "$native" "$torch_dir" "$run_root/planb" "$jobs" > "$run_root/planb.log" 2>&1
      echo $? > "$run_root/planb.rc" ) &
    plan_b_pid=$!
  else
    echo "plan B not possible: no TorchSharp native sources at $native"
  fi
fi

finish_plan_b() { # waits for plan B, reports it, and smoke-tests the rebuilt library (left in place only if $1 = keep)
  [[ -n $plan_b_pid ]] || return 1
  wait "$plan_b_pid"; plan_b_pid=
  local rc; rc=$(cat "$run_root/planb.rc" 2>/dev/null || echo 2)
  grep -E '^(ok|FAILED|build-lib)|^         ' "$run_root/planb.log" | tail -45
  cp "$run_root/planb.log" "$OUT/libtorchsharp-build.log" 2>/dev/null
  row "plan B build (0: every unit, 1: some left out)" "exit $rc"
  [[ $rc -le 1 && -f $run_root/planb/libLibTorchSharp.so ]] || return 1
  cp "$run_root/planb/libLibTorchSharp.so" "$app/libLibTorchSharp.so"
  "$python" scripts/gpu/elf_symbols.py missing "$app/libLibTorchSharp.so" "$torch_lib"/*.so --system \
    --ignore _ZSt21ios_base_library_initv | head -12
  if smoke planb; then
    cp "$run_root/planb/libLibTorchSharp.so" "$OUT/libLibTorchSharp.so"
    row "plan B library smoke step" "ok (saved as libLibTorchSharp.so)"
    [[ ${1:-} == keep ]] && return 0
  else
    row "plan B library smoke step" "failed"
  fi
  cp "$run_root/libLibTorchSharp.stock.so" "$app/libLibTorchSharp.so"
  return 1
}

choice=stock
if ! smoke stock; then
  if finish_plan_b keep; then
    choice="plan B (rebuilt against torch $torch_version)"
  else
    row "result" "no libLibTorchSharp.so binds to this libtorch: stopped after (c)"
    { echo "| what | result |"; echo "|---|---|"; for r in "${rows[@]}"; do echo "| ${r%%|*} | ${r#*|} |"; done; } | tee "$OUT/summary.md"
    exit 1
  fi
fi
row "libLibTorchSharp.so used" "$choice"

[[ $stages == *" bench "* ]] && section "(d1) SparK step $preset ${patch}^3 x $batch on $device: ours vs PyTorch ($(left) s left)"
for dtype in fp32 bf16; do
  [[ $stages == *" bench "* ]] || break
  [[ $(left) -gt 150 ]] || { echo "skipping $dtype: time"; continue; }
  timeout $(( $(left) - 100 )) "$app/Spark3D.Bench" train-step --presets $preset --patch $patch --batch $batch \
    --threads "$threads" --steps $steps --warmup $warmup --device "$device" --dtype $dtype --libtorch-path "$torch_lib" \
    --python "$python" --profile 3 2>&1 | tee -a "$OUT/train-step.txt"
  line=$(grep -E "^$preset " "$OUT/train-step.txt" | tail -1)
  [[ -n $line ]] && row "step $dtype: ours s / PyTorch s / ratio / GPU MiB ours / PyTorch (its allocator peak)" \
    "$(echo "$line" | awk '{print $2" / "$3" / "$4" / "$7" / "$8" ("$9")"}')"
done

data=$run_root/phantoms
run=$run_root/pretrain
if [[ $stages == *" pretrain "* ]]; then
section "(d2) spark3d pretrain --device $device, $preset ${patch}^3, $pretrain_dtype, $pre_steps steps, $preprocessors preprocessors ($(left) s left)"
"$app/spark3d" phantoms --count $phantoms --output "$data" | tail -1
if [[ $(left) -gt 60 ]]; then
  timeout $(( $(left) - 25 )) "$app/spark3d" pretrain --run-dir "$run" --data "$data" --preset $preset --patch $patch \
    --batch $batch --steps "$pre_steps" --device "$device" "${ts_opts[@]}" \
    -D spark3d.pipeline.preprocessors=$preprocessors -D spark3d.pipeline.metrics-every=10 \
    -D spark3d.model.device.bf16=$([[ $pretrain_dtype == bf16 ]] && echo true || echo false) \
    -D spark3d.pipeline.checkpoint-every=100000 2>&1 | grep -v -E '^\[INFO\]' | tail -25
  cp "$run/summary.json" "$OUT/pretrain-summary.json" 2>/dev/null
  cp "$run/metrics.jsonl" "$OUT/pretrain-metrics.jsonl" 2>/dev/null
  if [[ -f $run/summary.json ]]; then
    "$python" - "$run" $batch >> "$run_root/pretrain-row.txt" <<'PY'
import json, statistics, sys
run, batch = sys.argv[1], int(sys.argv[2])
s = json.load(open(f"{run}/summary.json"))
m = [json.loads(l) for l in open(f"{run}/metrics.jsonl")]
steady = [r for r in m if r["step"] > 10] or m  # the first interval holds start-up (cuDNN, allocator) steps
step_s = statistics.median(r["step_time_s"] for r in steady) if steady else float("nan")
wait = sum(r.get("data_wait_s", 0) for r in steady) / max(1e-9, sum(r["step_time_s"] + r.get("data_wait_s", 0) for r in steady)) if steady else float("nan")
print(f"{s['steps_this_run']} steps, loss {s['loss_first']:.3f} -> {s['loss_last']:.3f}, data-wait {100 * s['data_wait_fraction']:.1f} % "
      f"(after step 10: {100 * wait:.1f} %), median step {step_s:.3f} s = {batch / step_s:.2f} patches/s, "
      f"{s['elapsed_seconds']:.0f} s wall, restarts {s['restarts']}")
PY
    row "pretrain $device $pretrain_dtype" "$(tail -1 "$run_root/pretrain-row.txt")"
  else
    row "pretrain $device $pretrain_dtype" "no summary.json (see gpu-check.log)"
  fi
else
  row "pretrain $device" "skipped: time"
fi
fi

if [[ $stages == *" finetune "* ]]; then
  section "(d3) spark3d finetune --pretrained (the run above) and predict + evaluate on $device ($(left) s left)"
  labelled=$run_root/labelled
  "$app/spark3d" phantoms --count 6 --labels --output "$labelled" | tail -1
  ft=$run_root/finetune
  ft_steps=${GPU_CHECK_FINETUNE_STEPS:-$([[ $device == cuda ]] && echo 60 || echo 6)}
  pretrained=()
  [[ -d $run/checkpoints ]] && pretrained=(--pretrained "$run/checkpoints/latest") || pretrained=(--from-scratch)
  if [[ $(left) -gt 60 ]]; then
    timeout $(( $(left) - 40 )) "$app/spark3d" finetune --data "$labelled" --run-dir "$ft" --steps "$ft_steps" "${pretrained[@]}" \
      --preset $preset --patch $patch --batch $batch "${ts_opts[@]}" -D spark3d.model.device.device=$device \
      -D spark3d.pipeline.preprocessors=$preprocessors 2>&1 | grep -v -E '^\[INFO\]' | tail -12
    ft_rc=${PIPESTATUS[0]}
    row "finetune $device (${pretrained[0]}, $ft_steps steps)" "exit $ft_rc$( [[ -f $ft/summary.json ]] && "$python" -c 'import json,sys; s=json.load(open(sys.argv[1])); print(", loss", s.get("loss_first"), "->", s.get("loss_last"))' "$ft/summary.json")"
    cp "$ft/summary.json" "$OUT/finetune-summary.json" 2>/dev/null
  fi
  if [[ $(left) -gt 30 && -d $ft/checkpoints ]]; then
    # Two cases are enough to exercise sliding-window inference on the device.
    images=$run_root/predict-in; refs=$run_root/predict-ref; mkdir -p "$images" "$refs"
    for case in phantom_000 phantom_001; do
      cp "$labelled/imagesTr/${case}_0000.nii.gz" "$images/$case.nii.gz"; cp "$labelled/labelsTr/$case.nii.gz" "$refs/"
    done
    timeout $(( $(left) - 15 )) "$app/spark3d" predict --model "$ft" --input "$images" --output "$run_root/pred" \
      "${ts_opts[@]}" -D spark3d.model.device.device=$device \
      -D spark3d.predict.test-time-mirroring=$([[ $device == cuda ]] && echo on || echo off) 2>&1 | grep -v -E '^\[INFO\]' | tail -5
    pred_rc=${PIPESTATUS[0]}
    "$app/spark3d" evaluate --pred "$run_root/pred" --ref "$refs" --no-hd95 --output "$run_root/eval" 2>&1 | tail -4
    row "predict + evaluate $device" "exit $pred_rc$( [[ -f $run_root/eval/summary.json ]] && "$python" -c 'import json,sys; s=json.load(open(sys.argv[1])); print(", mean Dice", s["foreground_mean"]["Dice"])' "$run_root/eval/summary.json")"
  fi
fi

if [[ -n $plan_b_pid ]]; then
  section "plan B, finished in the background"
  finish_plan_b check || true
fi

section "(e) summary ($(elapsed) s)"
{ echo "| what | result |"; echo "|---|---|"; for r in "${rows[@]}"; do echo "| ${r%%|*} | ${r#*|} |"; done; } > "$OUT/summary.md"
cat "$OUT/summary.md"
