#!/usr/bin/python3
"""Summarises scripts/lowdata-study.sh: results.json (one row per labelled size: means, stds over seeds and a paired
t-test across seeds, pre-trained vs scratch on the same subsets), dice.png, validation-curves.png, per-class.md (mean
test Dice per label and arm: the foreground mean hides which class decides it) and a markdown table."""
import argparse
import json
import os
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from scipy import stats  # noqa: E402

ARMS = ("scratch", "pretrained")


def test_dice(runs, arm, k, seed):
    with open(os.path.join(runs, f"{arm}-k{k}-s{seed}", "evaluation.json")) as f:
        return json.load(f)["foreground_mean"]["Dice"]


def class_dice(runs, arm, k, seed):
    """label -> (name, test Dice averaged over the test cases; a class never predicted nor present counts 0)."""
    with open(os.path.join(runs, f"{arm}-k{k}-s{seed}", "evaluation.json")) as f:
        e = json.load(f)
    names = e.get("label_names", {})
    return {c: (names.get(c, c), m["Dice"] or 0.0) for c, m in sorted(e["mean"].items(), key=lambda kv: int(kv[0]))}


def write_per_class(runs, out, rows):
    """per-class.md: each row of results.json split by class (the foreground mean is the rows' own)."""
    first = rows[0]
    labels = class_dice(runs, ARMS[0], first["labelled"], first["seeds"][0])
    last = list(labels)[-1]
    head = " | ".join(name for name, _ in labels.values())
    lines = [f"| labelled | arm | {head} | foreground mean |", "|---|---|" + "---|" * (len(labels) + 1)]
    for r in rows:
        for arm in ARMS:
            per = [class_dice(runs, arm, r["labelled"], s) for s in r["seeds"]]
            cells = []
            for c in labels:
                values = [p[c][1] for p in per]
                cells.append(f"{statistics.mean(values):.3f}" + (" (" + ", ".join(f"{v:.2f}" for v in values) + ")" if c == last else ""))
            lines.append(f"| {r['labelled']} | {arm} | " + " | ".join(cells) + f" | {r[arm + '_mean']:.3f} |")
    with open(os.path.join(out, "per-class.md"), "w") as f:
        f.write("Mean test Dice per class over the seeds (the last class also per seed, in seed order).\n\n" + "\n".join(lines) + "\n")


def validation_curve(runs, arm, k, seed):
    steps, dice = [], []
    with open(os.path.join(runs, f"{arm}-k{k}-s{seed}", "metrics.jsonl")) as f:
        for line in f:
            row = json.loads(line)
            if "pseudo_dice" in row:
                steps.append(row["step"])
                dice.append(row["pseudo_dice"])
    return steps, dice


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--sizes", nargs="+", type=int, required=True)
    p.add_argument("--seeds", nargs="+", type=int, required=True)
    p.add_argument("--settings", default="")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)

    rows, seeds_of = [], {}
    for k in a.sizes:
        # Only seeds both arms finished (an interrupted study still reports what it has, with its n).
        seeds = [s for s in a.seeds if all(os.path.exists(os.path.join(a.runs, f"{arm}-k{k}-s{s}", "evaluation.json")) for arm in ARMS)]
        if not seeds:
            continue
        seeds_of[k] = seeds
        d = {arm: [test_dice(a.runs, arm, k, s) for s in seeds] for arm in ARMS}
        # Paired across seeds: seed s gives both arms the same labelled subset.
        p_value = stats.ttest_rel(d["pretrained"], d["scratch"]).pvalue if len(seeds) > 1 else float("nan")
        rows.append({
            "labelled": k,
            "scratch_mean": statistics.mean(d["scratch"]),
            "scratch_std": statistics.stdev(d["scratch"]) if len(seeds) > 1 else 0.0,
            "pretrained_mean": statistics.mean(d["pretrained"]),
            "pretrained_std": statistics.stdev(d["pretrained"]) if len(seeds) > 1 else 0.0,
            "p_value": p_value,
            "seeds": seeds,
            "scratch_per_seed": d["scratch"],
            "pretrained_per_seed": d["pretrained"],
        })
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"settings": a.settings, "metric": "test foreground-mean Dice (spark3d evaluate), paired t-test over seeds",
                   "rows": rows}, f, indent=2)
        f.write("\n")

    fig, ax = plt.subplots(figsize=(5, 3.6))
    sizes = [r["labelled"] for r in rows]
    for arm, colour in zip(ARMS, ("tab:grey", "tab:red")):
        means = [r[f"{arm}_mean"] for r in rows]
        stds = [r[f"{arm}_std"] for r in rows]
        ax.errorbar(sizes, means, yerr=stds, marker="o", capsize=3, color=colour, label=arm)
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(k) for k in sizes])
    ax.set_xlabel("labelled training volumes")
    ax.set_ylabel("test Dice (foreground mean)")
    ax.set_title("Low-data study: mean ± std over seeds")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "dice.png"), dpi=110)

    fig, axes = plt.subplots(1, len(sizes), figsize=(3.2 * len(sizes), 3.2), sharey=True, squeeze=False)
    axes = axes[0]
    for ax, k in zip(axes, sizes):
        for arm, colour in zip(ARMS, ("tab:grey", "tab:red")):
            curves = [validation_curve(a.runs, arm, k, s) for s in seeds_of[k]]
            for steps, dice in curves:
                ax.plot(steps, dice, color=colour, alpha=0.25, linewidth=0.8)
            n = min(len(c[0]) for c in curves)
            ax.plot(curves[0][0][:n], [statistics.mean(c[1][i] for c in curves) for i in range(n)], color=colour,
                    linewidth=2, label=arm)
        ax.set_title(f"{k} labelled (n={len(seeds_of[k])})")
        ax.set_xlabel("fine-tuning step")
    axes[0].set_ylabel("validation pseudo-Dice")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "validation-curves.png"), dpi=110)

    write_per_class(a.runs, a.out, rows)

    print("| labelled volumes | seeds | from scratch | pre-trained | difference | paired t-test p |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['labelled']} | {len(r['seeds'])} | {r['scratch_mean']:.3f} ± {r['scratch_std']:.3f} | {r['pretrained_mean']:.3f} ± "
              f"{r['pretrained_std']:.3f} | {r['pretrained_mean'] - r['scratch_mean']:+.3f} | {r['p_value']:.3g} |")


if __name__ == "__main__":
    main()
