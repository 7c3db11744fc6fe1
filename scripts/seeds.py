#!/usr/bin/env python3
"""Seed study of the reference configuration: writes docs/results-seeds.md.

MNIST, 784-400-400-10, θ = 0 with bias, no batch norm, Adam 1e-3, batch 100, 10 epochs (the CLI's
defaults), once per seed and neuron model. For each run it records the final test accuracy and the
test accuracy after every epoch, then summarizes: mean ± sample standard deviation, range, and
how many seeds reach the engine issue's 97.7 % bar.

    python3 scripts/seeds.py                          # S³NN seeds 1-12, ReLU seeds 1-6
    python3 scripts/seeds.py --s3nn-seeds 1-3 --relu-seeds ''
    python3 scripts/seeds.py --resume                 # reuse finished runs in target/results-raw/seeds/

Runs go two at a time with one thread each (results do not depend on the thread count; each run
takes ~30 s on an idle 2-core machine). Standard library only; shares helpers with results.py.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import ROOT, build_binary, git_commit, load_lines, summary_of  # noqa: E402

BAR = 0.977
LABELS = {"s3nn": "S³NN (α=4, β=1)", "relu": "ReLU ANN", "bnn": "BNN (sign + STE)"}
REFERENCE = {"s3nn": "97.82 ± 0.06 % (3 seeds)", "relu": "98.05 ± 0.15 %", "bnn": "97.5 %"}


def seed_list(text):
    out = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "-" in part:
            a, b = part.split("-", 1)
            out.extend(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--s3nn-seeds", default="1-12", help="seeds for S³NN, e.g. 1-12 or 1,4,7")
    p.add_argument("--relu-seeds", default="1-6", help="seeds for the ReLU ANN ('' for none)")
    p.add_argument("--bnn-seeds", default="", help="seeds for the BNN ('' for none)")
    p.add_argument("--jobs", type=int, default=2, help="runs at a time (each uses one thread)")
    p.add_argument("--bin", help="s3nn binary (default: build with cargo and use target/release/s3nn)")
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "results-seeds.md"))
    p.add_argument("--resume", action="store_true", help="reuse finished runs found in target/results-raw/seeds/")
    return p.parse_args()


def run(binary, raw_dir, neuron, seed, resume):
    raw = os.path.join(raw_dir, f"{neuron}-s{seed}.jsonl")
    cmd = [binary, "train", "--json", "--data", "mnist", "--neuron", neuron, "--epochs", "10",
           "--seed", str(seed), "--threads", "1"]
    if resume and os.path.exists(raw):
        lines = load_lines(raw)
        s = summary_of(lines)
        if s is not None and s.get("_cmd") == cmd[1:]:
            s["_reused"] = True
            return neuron, seed, lines, None
    print(f"$ {' '.join(shlex.quote(c) for c in cmd)}", file=sys.stderr, flush=True)
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    lines = [json.loads(ln) for ln in r.stdout.splitlines() if ln.strip().startswith("{")]
    s = summary_of(lines)
    if r.returncode != 0 or s is None:
        return neuron, seed, None, (r.stderr.strip().splitlines() or ["no output"])[-1]
    s["_cmd"] = cmd[1:]
    with open(raw, "w") as f:
        for obj in lines:
            f.write(json.dumps(obj) + "\n")
    print(f"  {neuron} seed {seed}: {100 * s['testAccuracy']:.2f} %", file=sys.stderr, flush=True)
    return neuron, seed, lines, None


def epoch_accuracies(lines):
    return [o["testAccuracy"] for o in lines if o.get("type") == "epoch" and o.get("testAccuracy") is not None]


def pct(v):
    return f"{100 * v:.2f} %"


def main():
    args = parse_args()
    plan = [(n, s) for n, text in (("s3nn", args.s3nn_seeds), ("relu", args.relu_seeds), ("bnn", args.bnn_seeds))
            for s in seed_list(text)]
    if not plan:
        sys.exit("no runs requested")
    binary = args.bin or build_binary()
    raw_dir = os.path.join(ROOT, "target", "results-raw", "seeds")
    os.makedirs(raw_dir, exist_ok=True)
    t0 = time.time()
    load0 = os.getloadavg()[0]
    results = {}
    reused = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for neuron, seed, lines, err in pool.map(lambda ns: run(binary, raw_dir, ns[0], ns[1], args.resume), plan):
            if err:
                sys.exit(f"{neuron} seed {seed} failed: {err}")
            results.setdefault(neuron, []).append((seed, lines))
            reused += int(bool(lines and lines[-1].get("_reused")))
    minutes = (time.time() - t0) / 60

    L = ["# Seed study: MNIST 784-400-400-10, 10 epochs", ""]
    L.extend([f"Generated {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by "
             f"`python3 scripts/seeds.py` at commit {git_commit()} ({minutes:.1f} min, {reused} of "
             f"{len(plan)} runs reused from target/results-raw/seeds/; 1-min load {load0:.1f} at start). Every run: `s3nn train --data mnist --neuron N --epochs 10 "
             f"--seed S --json` — θ = 0 with bias, no batch norm, Adam 1e-3, batch 100, full data. "
             f"The seed sets the initial weights and the shuffling; results do not depend on the "
             f"thread count or the instruction set.", ""])
    L.append("| Neuron | Seeds | Final test acc., mean ± sd | Range | Seeds ≥ 97.7 % | Best epoch, mean | PyTorch reference |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for neuron, runs in results.items():
        finals = [summary_of(lines)["testAccuracy"] for _, lines in runs]
        bests = [max(epoch_accuracies(lines) or [0.0]) for _, lines in runs]
        sd = statistics.stdev(finals) if len(finals) > 1 else 0.0
        L.append(f"| {LABELS[neuron]} | {len(finals)} | {100 * statistics.mean(finals):.2f} ± {100 * sd:.2f} % | "
                 f"{100 * min(finals):.2f}–{100 * max(finals):.2f} % | {sum(f >= BAR for f in finals)} of {len(finals)} | "
                 f"{100 * statistics.mean(bests):.2f} % | {REFERENCE[neuron]} |")
    L.append("")
    L.append("\"Best epoch\" is the highest test accuracy among the 10 epoch-end evaluations: shown only "
             "to measure how much the test accuracy moves between epochs; it is not a result (choosing "
             "an epoch by its test accuracy would be selecting on the test set).")
    L.append("")
    for neuron, runs in results.items():
        L.append(f"## {LABELS[neuron]}: test accuracy after each epoch")
        L.append("")
        L.append("| Seed | " + " | ".join(f"ep {e}" for e in range(1, 11)) + " | Firing (final) |")
        L.append("| ---: | " + " | ".join("---:" for _ in range(10)) + " | ---: |")
        swings = []
        for seed, lines in runs:
            accs = epoch_accuracies(lines)
            swings.extend(abs(b - a) for a, b in zip(accs[-4:], accs[-3:]))
            rates = (summary_of(lines).get("firingRates") or []) if neuron == "s3nn" else []
            L.append(f"| {seed} | " + " | ".join(f"{100 * a:.2f}" for a in accs)
                     + f" | {'/'.join(f'{100 * r:.1f}' for r in rates) or '–'} |")
        L.append("")
        if swings:
            L.append(f"Over the last four epochs the test accuracy moves by {100 * statistics.mean(swings):.2f} "
                     f"points per epoch on average (largest step {100 * max(swings):.2f}).")
            L.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(L))
    print("\n".join(L))


if __name__ == "__main__":
    main()
