"""docs/results.md and the README's results section, computed from the raw records only. Every
figure and every verdict below is derived from docs/results-raw/; a plan entry without a record is
shown as "not run yet"."""
import datetime
import statistics

from . import plan

PENDING = "not run yet"


def pct(x, d=2):
    return f"{100 * x:.{d}f} %"


def scaled(v, scales, unit):
    for factor, decimals, prefixed in scales:
        if abs(v) >= factor:
            return f"{v / factor:.{decimals}f} {prefixed}"
    return f"{v:.0f}{unit}"


def count(v):
    return scaled(v, ((1e9, 2, "G"), (1e6, 2, "M"), (1e3, 1, "k")), "")


def energy(pj):
    return scaled(pj, ((1e6, 3, "µJ"), (1e3, 1, "nJ")), " pJ")


def rates(rec):
    if not plan.NEURON[rec["run"]["neuron"]][2]:
        return "–"
    return " / ".join(f"{100 * r:.1f}" for r in rec["summary"].get("firingRates", [])) + " %"


def table(lines, header, rows):
    lines.append("| " + " | ".join(h for h, _ in header) + " |")
    lines.append("| " + " | ".join(a for _, a in header) + " |")
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")
    lines.append("")


def provenance(records, runs):
    have = [records[r.key] for r in runs if r.key in records]
    if not have:
        return f"No run has finished yet ({len(runs)} planned)."
    commits = sorted({r["commit"] or "?" for r in have})
    dirty = sum(1 for r in have if r.get("dirty"))
    cpus = sorted({f"{r['machine']['cpu']} ({r['machine']['cores']} logical CPUs)" for r in have})
    secs = sum(r["seconds"] for r in have)
    starts = sorted(r["started"] for r in have)
    loads = [r["loadavg"][0] for r in have]
    return (f"{len(have)} of {len(runs)} planned runs finished, between {starts[0]} and {starts[-1]}, "
            f"{secs / 3600:.1f} h of training in all, at commit{'s' if len(commits) > 1 else ''} "
            f"{', '.join(commits)}{f' ({dirty} with uncommitted engine changes)' if dirty else ''}, "
            f"on {'; '.join(cpus)}; 1-minute load at each run's start {min(loads):.1f}–{max(loads):.1f}.")


def main_table(lines, records):
    lines.append(f"## The table: every network × neuron at the recipe (seed {plan.TABLE_SEED})")
    lines.append("")
    lines.append(f"Recipe: {plan.RECIPE_TEXT}. The IF network runs T = 4 steps with θ = 1 and reset by "
                 "subtraction; the others are single-step. Firing rates are per hidden layer on the test set; "
                 "MACs, ACs and energy are per inference over the test set, from the operations that actually "
                 "occurred; ÷ ANN divides by the same architecture with every product a MAC.")
    lines.append("")
    header = [("Data", "---"), ("Network", "---"), ("Neuron", "---"), ("Test acc.", "---:"),
              ("Firing rates", "---:"), ("MACs", "---:"), ("ACs", "---:"), ("Energy", "---:"), ("÷ ANN", "---:")]
    rows = []
    for d, dl in plan.DATASETS:
        for a, al, spec in plan.ARCHS:
            for n, nl, _, _ in plan.NEURONS:
                rec = records.get(plan.Run("table", d, a, n, plan.TABLE_SEED).key)
                if rec is None:
                    rows.append([dl, al, nl, PENDING, "", "", "", "", ""])
                    continue
                s, ops = rec["summary"], rec["summary"]["ops"]
                rows.append([dl, al, nl, pct(s["testAccuracy"]), rates(rec), count(ops["macs"]), count(ops["acs"]),
                             energy(ops["energyPj"]), f"{ops['ratioToAnn']:.3f}"])
    table(lines, header, rows)
    lines.append("Networks: " + "; ".join(f"{al} `{spec}`" for _, al, spec in plan.ARCHS) + ".")
    lines.append("")


def seed_stats(records, runs):
    accs = [records[r.key]["summary"]["testAccuracy"] for r in runs if r.key in records]
    if not accs:
        return None
    # One seed has no sample standard deviation (it is undefined, not 0).
    sd = statistics.stdev(accs) if len(accs) > 1 else None
    return {"n": len(accs), "mean": statistics.fmean(accs), "sd": sd, "min": min(accs), "max": max(accs)}


def mean_sd(st):
    """`mean ± sd %`, or the mean alone while a single seed is recorded."""
    if st["sd"] is None:
        return f"{100 * st['mean']:.2f} % (one seed)"
    return f"{100 * st['mean']:.2f} ± {100 * st['sd']:.2f} %"


def spread(lines, records):
    lines.append("## Spread over seeds")
    lines.append("")
    lines.append(f"The MLP rows over seeds {', '.join(map(str, plan.SPREAD_SEEDS_MLP))} and S³NN vs ANN on the CNN "
                 f"over seeds {', '.join(map(str, plan.SPREAD_SEEDS_CNN))}, at the recipe. Mean ± sample standard "
                 "deviation of the final test accuracy.")
    lines.append("")
    header = [("Data", "---"), ("Network", "---"), ("Neuron", "---"), ("Seeds", "---:"), ("Test acc.", "---:"), ("Range", "---:")]
    rows = []
    for d, dl in plan.DATASETS:
        for a, seeds, neurons in (("mlp", plan.SPREAD_SEEDS_MLP, [n for n, *_ in plan.NEURONS]),
                                  ("cnn", plan.SPREAD_SEEDS_CNN, ["s3nn", "relu"])):
            for n in neurons:
                st = seed_stats(records, [plan.Run("spread", d, a, n, s) for s in seeds])
                label = plan.NEURON[n][0]
                if st is None:
                    rows.append([dl, plan.ARCH[a][0], label, f"0 of {len(seeds)}", PENDING, ""])
                else:
                    rows.append([dl, plan.ARCH[a][0], label, f"{st['n']} of {len(seeds)}",
                                 mean_sd(st),
                                 f"{100 * st['min']:.2f}–{100 * st['max']:.2f} %"])
    table(lines, header, rows)


def reference(lines, records):
    runs = [plan.Run("reference", "mnist", "mlp", "s3nn", s, epochs=10, batch_norm=False) for s in plan.REFERENCE_SEEDS]
    lines.append("## The constant-learning-rate reference")
    lines.append("")
    lines.append(f"MNIST, S³NN α=4 β=1, {plan.REFERENCE_TEXT}, seeds {', '.join(map(str, plan.REFERENCE_SEEDS))}.")
    lines.append("")
    have = [(r.seed, records[r.key]) for r in runs if r.key in records]
    if not have:
        lines += [PENDING + ".", ""]
        return
    table(lines, [("Seed", "---:"), ("Test acc.", "---:"), ("Firing rates", "---:"), ("÷ ANN", "---:")],
          [[s, pct(r["summary"]["testAccuracy"]), rates(r), f"{r['summary']['ops']['ratioToAnn']:.3f}"] for s, r in have])
    st = seed_stats(records, runs)
    verdict = ("holds" if st["mean"] >= 0.9775 and st["min"] >= 0.975 else "does not hold") if st["n"] == len(runs) else "cannot be judged yet"
    lines.append(f"Mean {mean_sd(st)} over {st['n']} seeds, lowest {pct(st['min'])}: "
                 f"the bar \"mean ≥ 97.75 %, no seed < 97.5 %\" {verdict}.")
    lines.append("")


def tradeoff_points(records, arch, neuron):
    pts = []
    for p in [0.0] + plan.PENALTIES[arch]:
        group = "table" if p == 0 else "tradeoff"
        rec = records.get(plan.Run(group, "mnist", arch, neuron, plan.TABLE_SEED, penalty=p).key)
        if rec is not None:
            s = rec["summary"]
            fr = s.get("firingRates") or [0.0]
            pts.append({"penalty": p, "acc": s["testAccuracy"], "ratio": s["ops"]["ratioToAnn"],
                        "rate": statistics.fmean(fr), "rates": fr, "floor": first_layer_share(rec)})
    return pts


def break_even(records):
    """The energy model's break-even firing rates (from the first record's energy constants)."""
    rec = next(iter(records.values()), None)
    e = rec["summary"]["ops"]["energyModel"] if rec else None
    return e


def tradeoff(lines, records):
    lines.append("## Beyond the paper: the energy–accuracy trade-off")
    lines.append("")
    lines.append(f"MNIST, seed {plan.TABLE_SEED}, the recipe plus the firing-rate penalty λ·Σ_layers mean(spikes) "
                 + "(" + "; ".join(f"{plan.ARCH[a][0]}: λ ∈ {{0, {', '.join(f'{p:g}' for p in plan.PENALTIES[a])}}}" for a in plan.TRADEOFF_ARCHS)
                 + "). BNN layers emit signs, not spikes: "
                 "the penalty does not apply and their energy does not depend on a rate, so BNN is one point.")
    lines.append("")
    lines.append("![accuracy against energy ÷ ANN as the rate penalty grows](results-tradeoff.png)")
    lines.append("")
    header = [("Network", "---"), ("Neuron", "---"), ("λ", "---:"), ("Test acc.", "---:"), ("Firing rates", "---:"), ("÷ ANN", "---:")]
    rows = []
    for a in plan.TRADEOFF_ARCHS:
        for n in plan.TRADEOFF_NEURONS:
            pts = tradeoff_points(records, a, n)
            for p in pts:
                rows.append([plan.ARCH[a][0], plan.NEURON[n][0], f"{p['penalty']:g}", pct(p["acc"]),
                             " / ".join(f"{100 * r:.1f}" for r in p["rates"]) + " %" if plan.NEURON[n][2] else "–",
                             f"{p['ratio']:.3f}"])
    table(lines, header, rows or [["–", "–", "–", PENDING, "", ""]])
    e = break_even(records)
    if e:
        r = e["eMacPj"] / e["eAcPj"]
        lines.append(f"Break-even: a spike-fed layer costs (input spikes × fan-out) ACs against its ANN twin's "
                     f"(fan-in × fan-out) MACs, so it is cheaper while its input firing rate stays below "
                     f"E_MAC / E_AC = {e['eMacPj']:g} / {e['eAcPj']:g} = {r:.2f} spikes per input per inference. "
                     f"A single-step neuron fires at most once, so under this model every spike-fed layer is cheaper "
                     f"than its ANN twin at any rate; a T-step network's break-even is {r:.2f} / T "
                     f"({r / e['snnSteps']:.2f} for T = {e['snnSteps']}). What stays is the real-valued first layer: "
                     "the plot's dashed line is the energy of that layer alone, the floor no rate penalty can go below.")
        lines.append("")
    lines += tradeoff_verdicts(records)
    lines.append("")


def tradeoff_verdicts(records):
    """Per network, whether the S³NN curve has a point at ≤ half its unpenalized energy ÷ ANN
    within one point of its accuracy (the issue's rule), as Markdown bullets."""
    return [f"- {tradeoff_verdict(a, tradeoff_points(records, a, 's3nn'))}" for a in plan.TRADEOFF_ARCHS]


def tradeoff_verdict(arch, pts):
    label = plan.ARCH[arch][0]
    base = next((p for p in pts if p["penalty"] == 0), None)
    if base is None or len(pts) < 2:
        return f"{label}: {PENDING}."
    good = [p for p in pts if p["penalty"] > 0 and p["ratio"] <= 0.5 * base["ratio"] and p["acc"] >= base["acc"] - 0.01]
    if good:
        g = min(good, key=lambda p: p["ratio"])
        return (f"{label}, S³NN: λ = {g['penalty']:g} reaches {g['ratio']:.3f} × ANN energy, "
                f"{g['ratio'] / base['ratio']:.2f} × the unpenalized {base['ratio']:.3f}, at {pct(g['acc'])} "
                f"({100 * (g['acc'] - base['acc']):+.2f} points).")
    lowest = min(pts, key=lambda p: p["ratio"])
    return (f"{label}, S³NN: no point reaches half the unpenalized energy ({base['ratio']:.3f} × ANN) within one point "
            f"of accuracy; the lowest is {lowest['ratio']:.3f} × ANN at {pct(lowest['acc'])} (λ = {lowest['penalty']:g})."
            + (f" The real-valued first layer alone costs {base['floor']:.3f} × ANN, a floor above half "
               f"the unpenalized energy that no firing rate moves." if base["floor"] > 0.5 * base["ratio"] else ""))


def first_layer_share(rec):
    ops = rec["summary"]["ops"]
    return ops["layers"][0]["energyPj"] / ops["annEnergyPj"]


def gradflow(lines, records):
    lines.append("## Beyond the paper: gradient flow by depth")
    lines.append("")
    lines.append(f"The deep MLP `{plan.ARCH['deep'][1]}` on MNIST after one epoch of the recipe (seed {plan.TABLE_SEED}), "
                 "with and without batch norm: the gradient norm of each layer's weights at the end of the epoch, "
                 "for each surrogate. The paper's argument for S³NN's heavy β/(x+1) tail is that gradients reach "
                 "the early layers.")
    lines.append("")
    lines.append("![gradient norm per layer, each surrogate](results-gradflow.png)")
    lines.append("")
    for bn in (True, False):
        rows = []
        for n in plan.SURROGATES:
            rec = records.get(plan.Run("gradflow", "mnist", "deep", n, plan.TABLE_SEED, epochs=1, batch_norm=bn).key)
            if rec is None:
                rows.append([plan.NEURON[n][0], PENDING])
                continue
            g = rec["epochs"][-1]["gradNorms"]
            rows.append([plan.NEURON[n][0], pct(rec["summary"]["testAccuracy"])] + [f"{x:.2e}" for x in g])
        width = max(len(r) for r in rows)
        header = [("Surrogate", "---"), ("Test acc.", "---:")] + [(f"L{i + 1}" if i < width - 3 else "readout", "---:") for i in range(width - 2)]
        lines.append(f"{'With' if bn else 'Without'} batch norm:")
        lines.append("")
        table(lines, header, [r + [""] * (width - len(r)) for r in rows])


def claim_lines(records):
    """The paper's claims, each checked against the table by a stated rule."""
    out, cells = [], []
    for d, dl in plan.DATASETS:
        for a in ("mlp", "deep", "cnn"):
            s3 = records.get(plan.Run("table", d, a, "s3nn", plan.TABLE_SEED).key)
            ann = records.get(plan.Run("table", d, a, "relu", plan.TABLE_SEED).key)
            if not (s3 and ann):
                continue
            gap = 100 * (s3["summary"]["testAccuracy"] - ann["summary"]["testAccuracy"])
            ratio = s3["summary"]["ops"]["ratioToAnn"]
            others = [records.get(plan.Run("table", d, a, n, plan.TABLE_SEED).key) for n in plan.SURROGATES if n != "s3nn"]
            others = [o for o in others if o]
            beaten = sum(1 for o in others if s3["summary"]["testAccuracy"] >= o["summary"]["testAccuracy"])
            comparable = abs(gap) <= 0.5
            cells.append({"ratio": ratio, "gap": gap, "comparable": comparable, "best": beaten == len(others)})
            out.append(f"{dl}, {plan.ARCH[a][0]}: S³NN is {gap:+.2f} points from the ReLU ANN "
                       f"({'comparable: within 0.5 point' if comparable else 'not within 0.5 point'}) at "
                       f"{ratio:.3f} × its energy ({first_layer_share(s3):.2f} of the ANN's energy is the real-valued first "
                       f"layer alone); it matches or beats {beaten} of {len(others)} other surrogates.")
    if not out:
        return [PENDING + "."]
    lines = [f"- {o}" for o in out]
    lo, hi = min(c["ratio"] for c in cells), max(c["ratio"] for c in cells)
    close = sum(1 for c in cells if c["comparable"])
    best = sum(1 for c in cells if c["best"])
    cheaper = sum(1 for c in cells if c["ratio"] < 1)
    lines += ["", f"In short, over these {len(cells)} cells: the energy claim, S³NN cheaper than the ANN, holds in "
              f"{cheaper} of {len(cells)} (S³NN costs {lo:.3f}–{hi:.3f} × the ANN's energy); the accuracy claim, S³NN within 0.5 point of the ANN, holds in "
              f"{close} of {len(cells)} (gaps {min(c['gap'] for c in cells):+.2f} to {max(c['gap'] for c in cells):+.2f} points); "
              f"S³NN's surrogate is the best of the {len(plan.SURROGATES)} in {best} of {len(cells)}."]
    return lines


def claims(lines, records):
    lines += ["## Which of the paper's claims hold here", "", *claim_lines(records), ""]


def results_md(records, runs, generated_by):
    lines = ["# Results", "",
             f"Generated by `{generated_by}` from the raw JSON lines in [results-raw/](results-raw/) "
             f"({datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}); nothing here is typed by hand. "
             + provenance(records, runs), ""]
    e = break_even(records)
    if e:
        lines += [f"Energy model: E_MAC = {e['eMacPj']:g} pJ, E_AC = {e['eAcPj']:g} pJ (45 nm, Horowitz 2014). A layer fed by "
                  "real values costs fan-in × fan-out MACs per output position; a layer fed by spikes one AC per "
                  "(input spike × fan-out); BNN layers fed by signs dense ACs; a T-step network sums over its steps.", ""]
    for part in (main_table, spread, reference, tradeoff, gradflow, claims):
        part(lines, records)
    return "\n".join(lines)


def readme_section(records, runs):
    """The README's results section: the MNIST part of the table, the claims, the plots, a pointer."""
    lines = [f"Every number below comes from `python3 scripts/results.py render`, which reads the raw runs in "
             f"[docs/results-raw/](docs/results-raw/); the full tables (Fashion-MNIST, seeds, the trade-off, "
             f"gradient flow) are in [docs/results.md](docs/results.md). " + provenance(records, runs), ""]
    header = [("Network", "---"), ("Neuron", "---"), ("Test acc.", "---:"), ("Firing rates", "---:"), ("÷ ANN", "---:")]
    rows = []
    for a, al, _ in plan.ARCHS:
        for n in ("s3nn", "sigmoid", "bnn", "relu", "if4"):
            rec = records.get(plan.Run("table", "mnist", a, n, plan.TABLE_SEED).key)
            rows.append([al, plan.NEURON[n][0]] + ([pct(rec["summary"]["testAccuracy"]), rates(rec), f"{rec['summary']['ops']['ratioToAnn']:.3f}"] if rec else [PENDING, "", ""]))
    lines.append(f"MNIST at the recipe ({plan.RECIPE_TEXT}), seed {plan.TABLE_SEED}:")
    lines.append("")
    table(lines, header, rows)
    lines += ["Which of the paper's claims hold (each by the rule it states):", "", *claim_lines(records), ""]
    lines += ["Beyond the paper, the firing-rate penalty (MNIST; does an S³NN point reach half its unpenalized "
              "energy ÷ ANN within one point of its accuracy?):", "", *tradeoff_verdicts(records), ""]
    lines += ["![trade-off](docs/results-tradeoff.png) ![gradient flow](docs/results-gradflow.png)", ""]
    return "\n".join(lines)
