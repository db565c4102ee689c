#!/usr/bin/python3
"""Reference side of the PyTorch state-dict interop tests (Debian python3-torch).

  torch_state_dict_tool.py describe FILE        -> JSON {name: {shape, dtype, sum, abs_sum, first}} of torch.load(FILE)
  torch_state_dict_tool.py make FILE SPEC.json  -> torch.save(OrderedDict) with the names/shapes in SPEC
                                                   ({name: shape}), values arange(n)*0.001 - 1 (float32); prints describe
  torch_state_dict_tool.py hostile FILE KIND MARKER -> a crafted torch.save zip (KIND: global = an entry whose unpickling
                                                   would call os.system("touch MARKER"); huge = a tensor whose declared
                                                   shape is 2^50 elements over a 4-element storage)
"""
import collections
import json
import os
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
    elif cmd == "hostile":
        kind, marker = sys.argv[3], sys.argv[4]
        storage = torch.zeros(4).storage()

        class RunsACommand:
            def __reduce__(self):
                return (os.system, ("touch " + marker,))

        class DeclaresAHugeTensor:
            def __reduce__(self):
                return (torch._utils._rebuild_tensor_v2,
                        (storage, 0, (2**20, 2**20, 2**10), (2**30, 2**10, 1), False, collections.OrderedDict()))

        payload = RunsACommand() if kind == "global" else DeclaresAHugeTensor()
        torch.save(collections.OrderedDict([("ok", torch.ones(2)), ("w", payload)]), path)
        print("{}")
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
