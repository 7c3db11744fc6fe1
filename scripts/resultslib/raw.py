"""The raw JSON lines of every run, kept in the repository (docs/results-raw/<arch>.jsonl), one
line per finished run: its key, the exact CLI arguments, the commit, the machine, the load, the
wall time, every epoch's figures and the CLI's summary. The tables and plots are computed from
these lines only, so docs/results.md can be rebuilt without training, and an interrupted run
resumes where it stopped (a run is redone only if its arguments changed)."""
import datetime
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RAW_DIR = os.path.join(ROOT, "docs", "results-raw")


def use_dir(path):
    """Keeps the records in `path` instead (the --quick smoke run writes under target/)."""
    global RAW_DIR
    RAW_DIR = path

# The epoch fields the renderer and the plots use (the CLI prints more).
EPOCH_FIELDS = ["epoch", "testAccuracy", "testLoss", "trainLoss", "trainAccuracy", "lr", "gradNorms",
                "firingRates", "trainFiringRates", "ratePenalty", "samplesPerSec", "ratioToAnn"]


def raw_path(arch):
    return os.path.join(RAW_DIR, f"{arch}.jsonl")


def load_all():
    """key → record, over every raw file (a later line replaces an earlier one of the same key)."""
    out = {}
    if not os.path.isdir(RAW_DIR):
        return out
    for name in sorted(os.listdir(RAW_DIR)):
        if not name.endswith(".jsonl"):
            continue
        with open(os.path.join(RAW_DIR, name)) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"error: {name}:{n}: not JSON ({e})")
                out[rec["key"]] = rec
    return out


def git(*args):
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), None)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "os": f"{platform.system()} {platform.release()}"}


def steal_jiffies():
    try:
        with open("/proc/stat") as f:
            return int(f.readline().split()[8])
    except (OSError, IndexError, ValueError):
        return None


def run(binary, run, threads=None):
    """Runs one plan entry with the CLI and appends its record; returns the record or raises."""
    args = run.args() + (["--threads", str(threads)] if threads else [])
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    load0, steal0, t0 = os.getloadavg(), steal_jiffies(), time.time()
    p = subprocess.run([binary, *args], cwd=ROOT, capture_output=True, text=True)
    seconds = time.time() - t0
    lines = []
    for ln in p.stdout.splitlines():
        try:
            lines.append(json.loads(ln))
        except json.JSONDecodeError:
            pass
    summary = next((o for o in reversed(lines) if isinstance(o, dict) and o.get("type") == "summary"), None)
    if p.returncode != 0 or summary is None:
        err = (p.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{run.key}: s3nn exited {p.returncode}: {err}")
    steal1 = steal_jiffies()
    rec = {
        "key": run.key, "group": run.group, "args": args,
        "run": {"data": run.data, "arch": run.arch, "neuron": run.neuron, "seed": run.seed, "penalty": run.penalty,
                "epochs": run.epochs, "batchNorm": run.batch_norm}, "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--", "src", "Cargo.toml")), "machine": machine(),
        "started": started, "seconds": round(seconds, 1),
        "loadavg": [round(x, 2) for x in load0 + os.getloadavg()[:1]],
        "stealSeconds": None if steal0 is None or steal1 is None else (steal1 - steal0) / os.sysconf("SC_CLK_TCK"),
        "epochs": [{k: o.get(k) for k in EPOCH_FIELDS} for o in lines if isinstance(o, dict) and o.get("type") == "epoch"],
        "summary": summary,
    }
    os.makedirs(RAW_DIR, exist_ok=True)
    with open(raw_path(run.arch), "a") as f:
        f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
    return rec


def same_args(rec, run):
    """A stored record answers a plan entry if it ran the same arguments (the thread count aside:
    results do not depend on it)."""
    a = list(rec["args"])
    if "--threads" in a:
        i = a.index("--threads")
        del a[i:i + 2]
    return a == run.args()
