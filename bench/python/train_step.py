"""Times one SparK MAE training step in PyTorch (the twin of Spark3D.Bench `train-step`).

Step = forward + masked MSE + backward + grad-norm clip 12 + SGD (lr 1e-2, momentum 0.99, Nesterov, wd 3e-5).
Data and masks are made before the timed region; on CUDA the clock is read after torch.cuda.synchronize().
Prints one JSON object: median/min step seconds, all step times, peak RSS (VmHWM, MiB), peak GPU memory
(torch.cuda.max_memory_allocated, MiB; -1 on CPU). Run with jemalloc preloaded for a fair CPU comparison.

--dtype:
  fp32      plain fp32.
  bf16      the C# scheme (Spark3D.Model.Training.MixedPrecisionNetwork): a bf16 copy of the model (InstanceNorm
            parameters fp32) runs forward/backward, the loss is fp32, gradients are copied to fp32 master weights,
            clipping and SGD act on the masters, which are then copied back. Like for like with `train-step --dtype bf16`.
  amp-bf16  PyTorch's own torch.autocast(bfloat16) on the fp32 model, for reference only: TorchSharp 0.107 has no
            autocast, so the C# side has no counterpart.

  /usr/bin/python3 train_step.py --preset small --patch 64 --batch 2 --threads 2 --steps 5 --warmup 2 [--dtype bf16] [--device cuda]
"""
import argparse
import copy
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resenc_unet import ResidualEncoderUNet, SparkMae, block_mask, cast_for_compute, masked_mse  # noqa: E402


def vm_hwm_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def gpu_used_mib(pid):
    """The process's GPU memory as nvidia-smi reports it (the same measure as the C# side); the whole GPU's if
    per-process figures are missing; -1 without nvidia-smi."""
    import subprocess

    def query(args):
        try:
            r = subprocess.run(["nvidia-smi"] + args, capture_output=True, text=True, timeout=10)
            return r.stdout if r.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired):
            return None

    for line in (query(["--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"]) or "").splitlines():
        cells = [c.strip() for c in line.split(",")]
        if len(cells) == 2 and cells[0] == str(pid):
            return float(cells[1])
    total = query(["--query-gpu=memory.used", "--format=csv,noheader,nounits"])
    try:
        return float(total.splitlines()[0]) if total else -1
    except ValueError:
        return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="tiny")
    ap.add_argument("--patch", type=int, default=64)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--block", type=int, default=16)
    ap.add_argument("--ratio", type=float, default=0.75)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "bf16", "amp-bf16"])
    ap.add_argument("--tf32", type=int, default=1, help="CUDA only: TF32 for matmul and cuDNN (spark3d.model.device.tf32)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profile", type=int, default=0,
                    help="extra steps after the timed ones that synchronise after each phase; reports each phase's median")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    cuda = dev.type == "cuda"
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = bool(a.tf32)
        torch.backends.cudnn.allow_tf32 = bool(a.tf32)
    master = SparkMae(ResidualEncoderUNet(a.preset)).to(dev)
    compute = cast_for_compute(copy.deepcopy(master), torch.bfloat16) if a.dtype == "bf16" else master
    pairs = list(zip(master.parameters(), compute.parameters())) if compute is not master else []
    opt = torch.optim.SGD(master.parameters(), lr=1e-2, momentum=0.99, nesterov=True, weight_decay=3e-5)
    grid = a.patch // a.block
    times = []
    phases = {}
    for i in range(a.warmup + a.steps + a.profile):
        profiling = i >= a.warmup + a.steps
        lap = [0.0]

        def mark(name):
            # Profiled steps only: synchronise, then charge the time since the last mark to this phase.
            if not profiling:
                return
            if cuda:
                torch.cuda.synchronize()
            now = time.perf_counter() - t0
            phases.setdefault(name, []).append(now - lap[0])
            lap[0] = now

        image = torch.randn(a.batch, 1, a.patch, a.patch, a.patch, device=dev)
        mask = block_mask(a.batch, grid, a.ratio).to(dev)
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        if a.dtype == "bf16":
            compute.zero_grad(set_to_none=True)
            loss = masked_mse(compute(image.bfloat16(), mask).float(), image, mask)
            mark("forward")
            loss.backward()
            mark("backward")
            for m, c in pairs:
                m.grad = None if c.grad is None else c.grad.float()
            mark("grads_to_master")
        elif a.dtype == "amp-bf16":
            with torch.autocast(device_type=dev.type, dtype=torch.bfloat16):
                rec = master(image, mask)
            loss = masked_mse(rec.float(), image, mask)
            mark("forward")
            loss.backward()
            mark("backward")
        else:
            loss = masked_mse(master(image, mask), image, mask)
            mark("forward")
            loss.backward()
            mark("backward")
        torch.nn.utils.clip_grad_norm_(master.parameters(), 12.0)
        mark("clip")
        opt.step()
        mark("optimizer")
        if pairs:
            with torch.no_grad():
                for m, c in pairs:
                    c.copy_(m)
            mark("master_to_compute")
        value = loss.item()
        if cuda:
            torch.cuda.synchronize()
        if i >= a.warmup and not profiling:
            times.append(time.perf_counter() - t0)
    times_sorted = sorted(times)
    print(json.dumps({
        "impl": "pytorch " + torch.__version__,
        "preset": a.preset, "patch": a.patch, "batch": a.batch, "threads": a.threads, "device": a.device, "dtype": a.dtype,
        "median_s": times_sorted[len(times) // 2], "min_s": times_sorted[0], "steps_s": times,
        "peak_rss_mib": vm_hwm_mib(),
        "phases_s": {k: sorted(v)[len(v) // 2] for k, v in phases.items()},
        "peak_gpu_mib": torch.cuda.max_memory_allocated(dev) / 2**20 if cuda else -1,
        "gpu_used_mib": gpu_used_mib(os.getpid()) if cuda else -1,
        "last_loss": value,
    }))


if __name__ == "__main__":
    main()
