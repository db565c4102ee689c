#!/usr/bin/python3
"""Reference side of the PyTorch state-dict interop tests (Debian python3-torch).

  torch_state_dict_tool.py describe FILE        -> JSON {name: {shape, dtype, sum, abs_sum, first}} of torch.load(FILE)
  torch_state_dict_tool.py make FILE SPEC.json  -> torch.save(OrderedDict) with the names/shapes in SPEC
                                                   ({name: shape}), values arange(n)*0.001 - 1 (float32); prints describe
"""
import collections
import json
import sys

import torch


def describe(state):
    out = {}
    for name, t in state.items():
        t64 = t.detach().to(torch.float64)
        out[name] = {
            "shape": list(t.shape),
            "dtype": str(t.dtype).replace("torch.", ""),
            "sum": float(t64.sum()),
            "abs_sum": float(t64.abs().sum()),
            "first": float(t64.flatten()[0]) if t.numel() > 0 else 0.0,
        }
    return out


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "describe":
        state = torch.load(path, map_location="cpu")
        if not isinstance(state, dict):
            sys.exit(f"{path}: expected a dict, got {type(state).__name__}")
        print(json.dumps(describe(state)))
    elif cmd == "make":
        spec = json.load(open(sys.argv[3]))
        state = collections.OrderedDict()
        for name, shape in spec.items():
            n = 1
            for s in shape:
                n *= s
            state[name] = (torch.arange(n, dtype=torch.float32) * 0.001 - 1.0).reshape(shape)
        torch.save(state, path)
        print(json.dumps(describe(state)))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
