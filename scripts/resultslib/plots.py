"""The two plots of docs/results.md, drawn with matplotlib from the raw records. Run inside the
results venv (scripts/results.py creates it under target/ on first use): the results command's
other parts need only the standard library."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402,F401

from . import plan, render  # noqa: E402

COLORS = {"s3nn": "#f59322", "sigmoid": "#0877bd", "bnn": "#2ea043", "rect": "#8e44ad", "atan": "#d62728", "fastsigmoid": "#17becf"}


# The trade-off panels zoom to this many points of accuracy below the best point: the runs a large
# penalty ruins (down to chance) would otherwise squeeze every useful point into one band. Points
# below the window are drawn on its lower edge as ▼, labelled with their accuracy.
ZOOM_POINTS = 12


def tradeoff(records, path):
    fig, axes = plt.subplots(1, len(plan.TRADEOFF_ARCHS), figsize=(5.6 * len(plan.TRADEOFF_ARCHS), 4.2), dpi=110)
    for ax, a in zip(axes, plan.TRADEOFF_ARCHS):
        floor = None
        curves = [(n, render.tradeoff_points(records, a, n)) for n in plan.TRADEOFF_NEURONS]
        accs = [100 * p["acc"] for _, pts in curves for p in pts]
        ratios = [p["ratio"] for _, pts in curves for p in pts]
        low = max(accs) - ZOOM_POINTS if accs else None
        for n, pts in curves:
            if not pts:
                continue
            ys = [max(100 * p["acc"], low) for p in pts]
            ax.plot([p["ratio"] for p in pts], ys, "o-" if len(pts) > 1 else "s", color=COLORS[n], label=plan.NEURON[n][0])
            below = [(p["ratio"], y) for p, y in zip(pts, ys) if 100 * p["acc"] < low]
            if below:
                ax.plot(*zip(*below), "v", color=COLORS[n], ms=8)
            for i, p in enumerate(pts):
                if not p["penalty"] or n != "s3nn":
                    continue
                text = f"λ={p['penalty']:g}\n{100 * p['rate']:.1f} %"
                if 100 * p["acc"] < low:
                    text = f"λ={p['penalty']:g}: {100 * p['acc']:.1f} %"
                # Alternate sides so that neighbouring labels do not print over each other.
                ax.annotate(text, (p["ratio"], max(100 * p["acc"], low)), fontsize=6, textcoords="offset points",
                            xytext=(5, -11) if i % 2 else (-5, 4), ha="left" if i % 2 else "right")
            base = records.get(plan.Run("table", "mnist", a, n, plan.TABLE_SEED).key)
            if base is not None and plan.NEURON[n][2]:
                floor = render.first_layer_share(base)
        if ratios and max(ratios) / min(ratios) > 3:
            # The CNN's penalty moves energy ÷ ANN over a decade: a log axis keeps both ends legible.
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1, 2, 5)))
            ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        if low is not None:
            ax.set_ylim(low - 0.5, max(accs) + 0.8)
        if floor is not None:
            ax.axvline(floor, ls="--", color="#888", lw=1)
            ax.text(floor, ax.get_ylim()[0], " first layer alone", fontsize=7, color="#666", rotation=90, va="bottom")
        ax.set_title(f"{plan.ARCH[a][0]} on MNIST", fontsize=10)
        ax.set_xlabel("energy ÷ ANN (per inference)" + (", log scale" if ax.get_xscale() == "log" else ""))
        ax.set_ylabel("test accuracy (%)")
        ax.grid(alpha=0.3, which="both")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="lower right")
    fig.suptitle("Accuracy against energy as the firing-rate penalty λ grows (S³NN labels: λ, mean firing rate; "
                 f"▼ below the {ZOOM_POINTS}-point window)", fontsize=9)
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
