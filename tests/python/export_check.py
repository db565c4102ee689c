#!/usr/bin/python3
"""Reference side of the `spark3d export` tests: Debian's python3-torch and the PyTorch twin of the network
(bench/python/resenc_unet.py, the same layers under the same names).

  export_check.py pytorch FILE REF.pt PRESET IN_CHANNELS CLASSES
      FILE is a state_dict: load it strictly into the twin, run REF['input'] through it, compare with REF['output'].
  export_check.py nnunet FILE REF.pt
      FILE is an nnU-Net v2 checkpoint: check its layout, build the twin from init_args' plans (arch_kwargs), check that
      network_weights has exactly the names dynamic-network-architectures' ResidualEncoderUNet registers (all_modules.N and
      decoder.encoder.* aliases included, each equal to its tensor), load it and compare the forward pass.
Prints one JSON object: max_abs_diff and what was checked.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "python"))
import resenc_unet as twin  # noqa: E402


def dna_names(net):
    """The state_dict names MIC-DKFZ's ResidualEncoderUNet has for the same network: ours, plus every ConvDropoutNormReLU's
    conv/norm again as all_modules.0/1 (its nn.Sequential), plus the encoder again as decoder.encoder.*."""
    names = set(net.state_dict().keys())
    for name, m in net.named_modules():
        if isinstance(m, twin.ConvNormAct):
            for p in ("weight", "bias"):
                if getattr(m.conv, p) is not None:
                    names.add(f"{name}.all_modules.0.{p}")
                names.add(f"{name}.all_modules.1.{p}")
    names |= {"decoder." + k for k in names if k.startswith("encoder.")}
    return names


def canonical(name):
    name = name.replace(".all_modules.0.", ".conv.").replace(".all_modules.1.", ".norm.")
    return name[len("decoder."):] if name.startswith("decoder.encoder.") else name


def forward_diff(net, ref):
    net.eval()
    with torch.no_grad():
        out = net(ref["input"])
    return float((out - ref["output"]).abs().max())


def main():
    mode, path, ref_path = sys.argv[1], sys.argv[2], sys.argv[3]
    ref = torch.load(ref_path, map_location="cpu")
    state = torch.load(path, map_location="cpu")
    result = {}
    if mode == "pytorch":
        preset, cin, classes = sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
        net = twin.ResidualEncoderUNet(preset, cin, classes)
        net.load_state_dict(state, strict=True)
        result["tensors"] = len(state)
    elif mode == "nnunet":
        for key in ("network_weights", "init_args", "trainer_name", "inference_allowed_mirroring_axes"):
            if key not in state:
                sys.exit(f"{path}: no '{key}'")
        args = state["init_args"]
        config = args["configuration"]
        arch = args["plans"]["configurations"][config]["architecture"]
        if not arch["network_class_name"].endswith("ResidualEncoderUNet"):
            sys.exit(f"{path}: network_class_name {arch['network_class_name']}")
        kw = arch["arch_kwargs"]
        twin.PRESETS["exported"] = dict(features=kw["features_per_stage"], strides=[s[0] for s in kw["strides"]],
                                        blocks=kw["n_blocks_per_stage"], dec=kw["n_conv_per_stage_decoder"])
        weights = state["network_weights"]
        cin = weights["encoder.stem.convs.0.conv.weight"].shape[1]
        classes = weights["decoder.seg_layers.0.weight"].shape[0]
        net = twin.ResidualEncoderUNet("exported", cin, classes)
        expected = dna_names(net)
        if set(weights.keys()) != expected:
            sys.exit(f"names differ: missing {sorted(expected - set(weights))[:5]}, extra {sorted(set(weights) - expected)[:5]}")
        for k, v in weights.items():
            if not torch.equal(v, weights[canonical(k)]):
                sys.exit(f"alias {k} differs from {canonical(k)}")
        net.load_state_dict({k: v for k, v in weights.items() if canonical(k) == k}, strict=True)
        result.update(tensors=len(weights), configuration=config, trainer_name=state["trainer_name"],
                      mirroring=list(state["inference_allowed_mirroring_axes"]), in_channels=cin, classes=classes,
                      channel_names=(args.get("dataset_json") or {}).get("channel_names"),
                      normalization_schemes=args["plans"]["configurations"][config]["normalization_schemes"],
                      patch_size=args["plans"]["configurations"][config]["patch_size"])
    else:
        sys.exit(f"unknown mode {mode}")
    result["max_abs_diff"] = forward_diff(net, ref)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
