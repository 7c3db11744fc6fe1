"""The two plots of docs/results.md, drawn with matplotlib from the raw records. Run inside the
results venv (scripts/results.py creates it under target/ on first use): the results command's
other parts need only the standard library."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from . import plan, render  # noqa: E402

COLORS = {"s3nn": "#f59322", "sigmoid": "#0877bd", "bnn": "#2ea043", "rect": "#8e44ad", "atan": "#d62728", "fastsigmoid": "#17becf"}


def tradeoff(records, path):
    fig, axes = plt.subplots(1, len(plan.TRADEOFF_ARCHS), figsize=(5.2 * len(plan.TRADEOFF_ARCHS), 4), dpi=110)
    for ax, a in zip(axes, plan.TRADEOFF_ARCHS):
        floor = None
        for n in plan.TRADEOFF_NEURONS:
            pts = render.tradeoff_points(records, a, n)
            if not pts:
                continue
            ax.plot([p["ratio"] for p in pts], [100 * p["acc"] for p in pts], "o-" if len(pts) > 1 else "s",
                    color=COLORS[n], label=plan.NEURON[n][0])
            for p in pts:
                if p["penalty"] and n == "s3nn":
                    ax.annotate(f"λ={p['penalty']:g}\n{100 * p['rate']:.0f} %", (p["ratio"], 100 * p["acc"]),
                                fontsize=6, textcoords="offset points", xytext=(4, -10))
            base = records.get(plan.Run("table", "mnist", a, n, plan.TABLE_SEED).key)
            if base is not None and plan.NEURON[n][2]:
                floor = render.first_layer_share(base)
        if floor is not None:
            ax.axvline(floor, ls="--", color="#888", lw=1)
            ax.text(floor, ax.get_ylim()[0], " first layer alone", fontsize=7, color="#666", rotation=90, va="bottom")
        ax.set_title(f"{plan.ARCH[a][0]} on MNIST", fontsize=10)
        ax.set_xlabel("energy ÷ ANN (per inference)")
        ax.set_ylabel("test accuracy (%)")
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    fig.suptitle("Accuracy against energy as the firing-rate penalty λ grows (labels: λ, mean firing rate)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def gradflow(records, path):
    fig, axes = plt.subplots(1, 2, figsize=(10.4, 4), dpi=110, sharey=True)
    for ax, bn in zip(axes, (True, False)):
        for n in plan.SURROGATES:
            rec = records.get(plan.Run("gradflow", "mnist", "deep", n, plan.TABLE_SEED, epochs=1, batch_norm=bn).key)
            if rec is None:
                continue
            g = rec["epochs"][-1]["gradNorms"]
            ax.semilogy(range(1, len(g) + 1), [max(x, 1e-12) for x in g], "o-", color=COLORS[n], label=plan.NEURON[n][0], ms=3)
        ax.set_title(f"deep MLP, {'with' if bn else 'without'} batch norm, after 1 epoch", fontsize=10)
        ax.set_xlabel("layer (1 = first hidden, last = readout)")
        ax.set_ylabel("weight-gradient norm")
        ax.grid(alpha=0.3, which="both")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    # python -m resultslib.plots RAW_DIR TRADEOFF_PNG GRADFLOW_PNG (run by scripts/results.py)
    from . import raw

    raw.use_dir(sys.argv[1])
    recs = raw.load_all()
    tradeoff(recs, sys.argv[2])
    gradflow(recs, sys.argv[3])
