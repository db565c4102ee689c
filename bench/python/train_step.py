"""Times one SparK MAE training step in PyTorch (the twin of Spark3D.Bench `train-step`).

Step = forward + masked MSE + backward + grad-norm clip 12 + SGD (lr 1e-2, momentum 0.99, Nesterov, wd 3e-5).
Data and masks are made before the timed region. Prints one JSON object: median/min step seconds, all step times,
peak RSS (VmHWM, MiB). Run with jemalloc preloaded for a fair CPU comparison (scripts/lib/jemalloc.sh).

  /usr/bin/python3 train_step.py --preset small --patch 64 --batch 2 --threads 2 --steps 5 --warmup 2
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resenc_unet import ResidualEncoderUNet, SparkMae, block_mask, masked_mse  # noqa: E402


def vm_hwm_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


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
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    mae = SparkMae(ResidualEncoderUNet(a.preset)).to(dev)
    opt = torch.optim.SGD(mae.parameters(), lr=1e-2, momentum=0.99, nesterov=True, weight_decay=3e-5)
    grid = a.patch // a.block
    times = []
    for i in range(a.warmup + a.steps):
        image = torch.randn(a.batch, 1, a.patch, a.patch, a.patch, device=dev)
        mask = block_mask(a.batch, grid, a.ratio).to(dev)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = masked_mse(mae(image, mask), image, mask)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(mae.parameters(), 12.0)
        opt.step()
        value = loss.item()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        if i >= a.warmup:
            times.append(time.perf_counter() - t0)
    times_sorted = sorted(times)
    print(json.dumps({
        "impl": "pytorch " + torch.__version__,
        "preset": a.preset, "patch": a.patch, "batch": a.batch, "threads": a.threads,
        "median_s": times_sorted[len(times) // 2], "min_s": times_sorted[0], "steps_s": times,
        "peak_rss_mib": vm_hwm_mib(), "last_loss": value,
    }))


if __name__ == "__main__":
    main()
