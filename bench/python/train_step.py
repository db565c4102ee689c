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
    for i in range(a.warmup + a.steps):
        image = torch.randn(a.batch, 1, a.patch, a.patch, a.patch, device=dev)
        mask = block_mask(a.batch, grid, a.ratio).to(dev)
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        if a.dtype == "bf16":
            compute.zero_grad(set_to_none=True)
            loss = masked_mse(compute(image.bfloat16(), mask).float(), image, mask)
            loss.backward()
            for m, c in pairs:
                m.grad = None if c.grad is None else c.grad.float()
        elif a.dtype == "amp-bf16":
            with torch.autocast(device_type=dev.type, dtype=torch.bfloat16):
                rec = master(image, mask)
            loss = masked_mse(rec.float(), image, mask)
            loss.backward()
        else:
            loss = masked_mse(master(image, mask), image, mask)
            loss.backward()
        torch.nn.utils.clip_grad_norm_(master.parameters(), 12.0)
        opt.step()
        if pairs:
            with torch.no_grad():
                for m, c in pairs:
                    c.copy_(m)
        value = loss.item()
        if cuda:
            torch.cuda.synchronize()
        if i >= a.warmup:
            times.append(time.perf_counter() - t0)
    times_sorted = sorted(times)
    print(json.dumps({
        "impl": "pytorch " + torch.__version__,
        "preset": a.preset, "patch": a.patch, "batch": a.batch, "threads": a.threads, "device": a.device, "dtype": a.dtype,
        "median_s": times_sorted[len(times) // 2], "min_s": times_sorted[0], "steps_s": times,
        "peak_rss_mib": vm_hwm_mib(),
        "peak_gpu_mib": torch.cuda.max_memory_allocated(dev) / 2**20 if cuda else -1,
        "last_loss": value,
    }))


if __name__ == "__main__":
    main()
