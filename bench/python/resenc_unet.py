"""ResEnc U-Net + SparK MAE in plain PyTorch (>= 1.13), the reference twin of Spark3D.Model.

Same layers, same algorithm (input masked first, one mask per resolution, sum-based masked InstanceNorm, per-stage
mask tokens, densify IN + 3^3 convs, dense decoder) and the SAME parameter names as the C# side:
  architecture.encoder.stem.convs.0.conv.weight, architecture.encoder.stages.1.blocks.0.skip.1.norm.weight,
  architecture.decoder.transpconvs.0.weight, architecture.decoder.seg_layers.4.bias, mask_tokens.0, densify_projs.1.weight
Unlike MIC-DKFZ/dynamic-network-architectures there are no `all_modules.N` / `decoder.encoder.*` aliases.

  /usr/bin/python3 resenc_unet.py --names --preset tiny     # JSON {name: shape} of the MAE's parameters
"""
import argparse
import json

import torch
from torch import nn
import torch.nn.functional as F

PRESETS = {
    "tiny": dict(features=[8, 16, 32, 64], strides=[1, 2, 2, 2], blocks=[1, 1, 1, 1], dec=[1, 1, 1]),
    "small": dict(features=[16, 32, 64, 128, 160], strides=[1, 2, 2, 2, 2], blocks=[1, 2, 2, 2, 2], dec=[1, 1, 1, 1]),
    "resenc-l": dict(features=[32, 64, 128, 256, 320, 320], strides=[1, 2, 2, 2, 2, 2], blocks=[1, 3, 4, 6, 6, 6],
                     dec=[1, 1, 1, 1, 1]),
}
EPS = 1e-5
SLOPE = 0.01
# bf16 rules shared with Spark3D.Model.Training.ComputePrecision: norm statistics and visible counts in fp32.
REDUCED = (torch.bfloat16, torch.float16)
BF16_CONV_TRANSPOSE_CPU_BROKEN = int(torch.__version__.split(".")[0]) < 2


def wide(x):
    """x in fp32 when it is bf16/fp16 (for statistics), else x itself."""
    return x.float() if x.dtype in REDUCED else x


def upsample_mask(grid, size):
    """Nearest repeat of a B x 1 x g^3 mask to `size` (D, H, W); None where the map is smaller than the grid (dense)."""
    b, _, gd, gh, gw = grid.shape
    d, h, w = size
    if d < gd and h < gh and w < gw:
        return None
    rd, rh, rw = d // gd, h // gh, w // gw
    return grid.view(b, 1, gd, 1, gh, 1, gw, 1).expand(b, 1, gd, rd, gh, rh, gw, rw).reshape(b, 1, d, h, w)


class SparseContext:
    """One precomputed mask (and visible count) per encoder resolution for one forward pass."""

    def __init__(self, grid, image, reductions):
        self.masks = {}
        grid = grid.to(image.dtype)
        sizes = [tuple(image.shape[2:])] + [tuple(s // r for s in image.shape[2:]) for r in reductions]
        for size in sizes:
            if size in self.masks:
                continue
            m = upsample_mask(grid, size)
            count = None if m is None else m.sum(dim=(2, 3, 4), keepdim=True, dtype=wide(m).dtype).clamp_min(1.0)
            self.masks[size] = None if m is None else (m, m > 0.5, count)

    def get(self, x):
        return self.masks[tuple(x.shape[2:])]


def masked_instance_norm(x, m, count, weight, bias, eps=EPS):
    out_dtype = x.dtype
    x = wide(x)  # E[x^2] - E[x]^2 cancels in bf16
    xm = x * m
    mean = xm.sum(dim=(2, 3, 4), keepdim=True).div_(count)
    mean_sq = xm.square().sum(dim=(2, 3, 4), keepdim=True).div_(count)
    var = (mean_sq - mean.square()).clamp_min(0.0)
    scale = (var + eps).rsqrt()
    c = x.shape[1]
    if weight is not None:
        scale = scale * weight.view(1, c, 1, 1, 1)
    shift = -(mean * scale)
    if bias is not None:
        shift = shift + bias.view(1, c, 1, 1, 1)
    return torch.addcmul(shift, x, scale).mul_(m).to(out_dtype)


def conv3d(conv, x):
    """conv(x), in fp32 for a bf16 CPU input of depth <= 2 (Spark3D.Model.Networks.Conv3dPrecision: libtorch 2.10's
    oneDNN bf16 kernel gets the weight gradient wrong there)."""
    if x.dtype in REDUCED and x.device.type == "cpu" and x.shape[2] <= 2 and conv.kernel_size[0] > 1:
        b = None if conv.bias is None else conv.bias.float()
        return F.conv3d(x.float(), conv.weight.float(), b, conv.stride, conv.padding, conv.dilation, conv.groups).to(x.dtype)
    return conv(x)


class ConvNormAct(nn.Module):
    def __init__(self, cin, cout, k, stride, bias, act):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, k, stride, padding=(k - 1) // 2, bias=bias)
        self.norm = nn.InstanceNorm3d(cout, eps=EPS, affine=True)
        self.act = act

    def forward(self, x, sp=None):
        y = conv3d(self.conv, x)
        m = sp.get(y) if sp is not None else None
        if m is None:
            y = self.norm(y)
        else:
            y.mul_(m[0])
            y = masked_instance_norm(y, m[0], m[2], self.norm.weight, self.norm.bias)
        return F.leaky_relu(y, SLOPE, inplace=True) if self.act else y


class StackedConvBlocks(nn.Module):
    def __init__(self, n, cin, cout, k, stride):
        super().__init__()
        self.convs = nn.ModuleList(
            [ConvNormAct(cin if i == 0 else cout, cout, k, stride if i == 0 else 1, True, True) for i in range(n)])

    def forward(self, x, sp=None):
        for c in self.convs:
            x = c(x, sp)
        return x


class ResidualSkip(nn.Module):
    """Numbered like DNA's nn.Sequential: skip.0 = AvgPool (if strided), then the 1x1x1 projection (if the width changes)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.pool_key = self.proj_key = None
        i = 0
        if stride != 1:
            self.pool_key = str(i)
            self.add_module(self.pool_key, nn.AvgPool3d(stride, stride))
            i += 1
        if cin != cout:
            self.proj_key = str(i)
            self.add_module(self.proj_key, ConvNormAct(cin, cout, 1, 1, False, False))

    def forward(self, x, sp=None):
        if self.pool_key is not None:
            pool = self._modules[self.pool_key]
            # CPU avg_pool3d has no bf16 kernel: pool in fp32 there, as the C# side does.
            x = pool(x.float()).to(x.dtype) if x.dtype in REDUCED and x.device.type == "cpu" else pool(x)
            m = sp.get(x) if sp is not None else None
            if m is not None:
                x = x.mul_(m[0])
        if self.proj_key is not None:
            x = self._modules[self.proj_key](x, sp)
        return x


class BasicBlockD(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.conv1 = ConvNormAct(cin, cout, k, stride, True, True)
        self.conv2 = ConvNormAct(cout, cout, k, 1, True, False)
        self.skip = ResidualSkip(cin, cout, stride) if (stride != 1 or cin != cout) else None

    def forward(self, x, sp=None):
        residual = self.skip(x, sp) if self.skip is not None else x
        out = self.conv2(self.conv1(x, sp), sp)
        out += residual
        return F.leaky_relu(out, SLOPE, inplace=True)


class StackedResidualBlocks(nn.Module):
    def __init__(self, n, cin, cout, k, stride):
        super().__init__()
        self.blocks = nn.ModuleList(
            [BasicBlockD(cin if i == 0 else cout, cout, k, stride if i == 0 else 1) for i in range(n)])

    def forward(self, x, sp=None):
        for b in self.blocks:
            x = b(x, sp)
        return x


class ResidualEncoder(nn.Module):
    def __init__(self, cin, features, strides, blocks, k=3):
        super().__init__()
        self.stem = StackedConvBlocks(1, cin, features[0], k, 1)
        stages, c = [], features[0]
        for f, s, n in zip(features, strides, blocks):
            stages.append(StackedResidualBlocks(n, c, f, k, s))
            c = f
        self.stages = nn.ModuleList(stages)

    def forward(self, x, sp=None):
        x = self.stem(x, sp)
        skips = []
        for s in self.stages:
            x = s(x, sp)
            skips.append(x)
        return skips


class UNetDecoder(nn.Module):
    def __init__(self, features, strides, dec, classes, k=3):
        super().__init__()
        n = len(features)
        stages, tconvs, segs = [], [], []
        for s in range(1, n):
            below, skip, st = features[n - s], features[n - s - 1], strides[n - s]
            tconvs.append(nn.ConvTranspose3d(below, skip, st, st, bias=True))
            stages.append(StackedConvBlocks(dec[s - 1], 2 * skip, skip, k, 1))
            segs.append(nn.Conv3d(skip, classes, 1, 1, 0, bias=True))
        self.stages = nn.ModuleList(stages)
        self.transpconvs = nn.ModuleList(tconvs)
        self.seg_layers = nn.ModuleList(segs)

    def forward(self, skips):
        x = skips[-1]
        for s in range(len(self.stages)):
            x = self.stages[s](torch.cat((self._up(s, x), skips[-(s + 2)]), 1))
        return self.seg_layers[-1](x)

    def _up(self, s, x):
        t = self.transpconvs[s]
        if x.dtype in REDUCED and x.device.type == "cpu" and BF16_CONV_TRANSPOSE_CPU_BROKEN:
            # PyTorch 1.13's CPU bf16 conv_transpose3d fails (mkldnn: wrong channel check; slow path: no kernel), so this
            # twin-only fallback runs it in fp32. libtorch 2.10 (the C# side) and CUDA run it in bf16.
            return F.conv_transpose3d(x.float(), t.weight.float(), t.bias.float(), t.stride).to(x.dtype)
        return t(x)


class ResidualEncoderUNet(nn.Module):
    def __init__(self, preset, in_channels=1, classes=1):
        super().__init__()
        p = PRESETS[preset]
        self.strides = p["strides"]
        self.encoder = ResidualEncoder(in_channels, p["features"], p["strides"], p["blocks"])
        self.decoder = UNetDecoder(p["features"], p["strides"], p["dec"], classes)
        self.features = p["features"]

    def reductions(self):
        out, r = [], 1
        for s in self.strides:
            r *= s
            out.append(r)
        return out

    def forward(self, x):
        return self.decoder(self.encoder(x))


class SparkMae(nn.Module):
    def __init__(self, architecture, use_mask_token=True):
        super().__init__()
        self.architecture = architecture
        self.use_mask_token = use_mask_token
        if use_mask_token:
            self.mask_tokens = nn.ParameterList()
            projs = []
            for i, f in enumerate(architecture.features):
                t = nn.Parameter(torch.zeros(1, f, 1, 1, 1))
                nn.init.trunc_normal_(t, 0.0, 0.02, -0.02, 0.02)
                self.mask_tokens.append(t)
                projs.append(nn.Identity() if i == 0 else nn.Conv3d(f, f, 3, 1, 1, bias=True))
            self.densify_projs = nn.ModuleList(projs)

    def forward(self, image, grid):
        sp = SparseContext(grid, image, self.architecture.reductions())
        x = image * sp.get(image)[0]
        skips = self.architecture.encoder(x, sp)
        if self.use_mask_token:
            dense = []
            for i, f in enumerate(skips):
                m = sp.get(f)
                if m is None:
                    f = F.instance_norm(wide(f), eps=EPS).to(f.dtype)
                else:
                    f = masked_instance_norm(f, m[0], m[2], None, None)
                    f = torch.where(m[1], f, self.mask_tokens[i])
                proj = self.densify_projs[i]
                dense.append(conv3d(proj, f) if isinstance(proj, nn.Conv3d) else proj(f))
            skips = dense
        return self.architecture.decoder(skips)


def cast_for_compute(module, dtype):
    """Casts module to dtype in place, keeping InstanceNorm parameters fp32 (ComputePrecision.CastForCompute)."""
    module.to(dtype)
    if dtype in REDUCED:
        for m in module.modules():
            if isinstance(m, nn.InstanceNorm3d):
                m.float()
    return module


def masked_mse(rec, target, grid):
    masked = 1.0 - upsample_mask(grid.to(rec.dtype), tuple(rec.shape[2:]))
    return ((rec - target).square() * masked).sum() / (masked.sum() * rec.shape[1]).clamp_min(1.0)


def block_mask(batch, grid, ratio):
    cells = grid ** 3
    m = torch.ones(batch, cells)
    for b in range(batch):
        m[b, torch.randperm(cells)[: int(ratio * cells)]] = 0
    return m.view(batch, 1, grid, grid, grid)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="tiny", choices=sorted(PRESETS))
    ap.add_argument("--names", action="store_true", help="print {name: shape} of the MAE's parameters as JSON")
    a = ap.parse_args()
    # Only shapes are printed: skip the (slow, 100 M-parameter) weight init.
    nn.Conv3d.reset_parameters = nn.ConvTranspose3d.reset_parameters = lambda self: None
    mae = SparkMae(ResidualEncoderUNet(a.preset))
    if a.names:
        print(json.dumps({n: list(p.shape) for n, p in mae.named_parameters()}))
    else:
        print(sum(p.numel() for p in mae.architecture.parameters()))
