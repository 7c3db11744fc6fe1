"""Every run behind docs/results.md, as s3nn CLI arguments. The one home of the recipe, the grid,
the seeds and the rate-penalty sweep: the renderer reads its labels from here too.

The recipe (issue #11; the setting the paper's claims are usually tested with): batch norm before
every hidden nonlinearity, θ = 0, Adam 1e-3 with cosine annealing over 6 epochs (PyTorch
CosineAnnealingLR, stepped per epoch, T_max = epochs), batch 100.
"""
from dataclasses import dataclass, field

RECIPE = ["--batch-norm", "--optimizer", "adam", "--lr", "0.001", "--lr-schedule", "cosine",
          "--epochs", "6", "--batch", "100"]
RECIPE_TEXT = ("batch norm before every hidden nonlinearity, θ = 0, Adam 1e-3 with cosine annealing "
               "(stepped per epoch, T_max = 6), 6 epochs, batch 100")

# The constant-learning-rate reference of the engine issue: no batch norm, 10 epochs.
REFERENCE = ["--optimizer", "adam", "--lr", "0.001", "--lr-schedule", "constant", "--epochs", "10", "--batch", "100"]
REFERENCE_TEXT = "784-400-400-10, no batch norm, θ = 0 with bias, Adam 1e-3 (constant), 10 epochs, batch 100"

DATASETS = [("mnist", "MNIST"), ("fashion", "Fashion-MNIST")]
ARCHS = [
    ("mlp", "MLP", "784-400-400-10"),
    ("deep", "deep MLP", "784-" + "-".join(["400"] * 7) + "-10"),
    ("cnn", "CNN", "1x28x28-c32-c32-mp-c64-c64-mp-256-10"),
]
# key, label, CLI arguments, is the neuron spiking (firing rates and the rate penalty apply)
NEURONS = [
    ("s3nn", "S³NN α=4 β=1", ["--neuron", "s3nn", "--alpha", "4", "--beta", "1"], True),
    ("sigmoid", "sigmoid α=4", ["--neuron", "sigmoid", "--alpha", "4"], True),
    ("rect", "rectangular w=1", ["--neuron", "rect", "--alpha", "1"], True),
    ("atan", "arctan α=2", ["--neuron", "atan", "--alpha", "2"], True),
    ("fastsigmoid", "fast sigmoid slope 5", ["--neuron", "fastsigmoid", "--alpha", "5"], True),
    ("bnn", "BNN (sign + STE)", ["--neuron", "bnn"], False),
    ("relu", "ReLU ANN", ["--neuron", "relu"], False),
    ("if4", "IF T=4 (θ=1, reset by subtraction)", ["--neuron", "lif", "--leak", "1", "--threshold", "1", "--steps", "4"], True),
]
SURROGATES = ["s3nn", "sigmoid", "rect", "atan", "fastsigmoid"]
TABLE_SEED = 0
SPREAD_SEEDS_MLP = [0, 1, 2, 3, 4]
SPREAD_SEEDS_CNN = [0, 1, 2]
REFERENCE_SEEDS = [0, 1, 2, 3, 4]
# The firing-rate penalty λ (loss + λ·Σ_layers mean spikes); 0 is the table's run. The mean runs
# over a layer's neurons, so the pull on one neuron is λ / neurons: a 400-unit MLP layer barely
# moves below λ ≈ 0.1 and loses most of its accuracy near λ = 100 (measured, one epoch on 10 000
# images: λ = 1, 10, 100 → firing 43/42, 31/30, 27/25 %, accuracy 93.4, 90.9, 63.8 %); a conv
# layer has 60× more neurons.
PENALTIES = {"mlp": [0.1, 0.3, 1, 3, 10, 30], "cnn": [0.3, 1, 3, 10, 30, 100]}
TRADEOFF_NEURONS = ["s3nn", "sigmoid", "bnn"]
TRADEOFF_ARCHS = ["mlp", "cnn"]

ARCH = {k: (label, spec) for k, label, spec in ARCHS}
NEURON = {k: (label, args, spiking) for k, label, args, spiking in NEURONS}
DATA = dict(DATASETS)


@dataclass(frozen=True)
class Run:
    group: str  # table, spread, reference, tradeoff, gradflow
    data: str
    arch: str
    neuron: str
    seed: int
    penalty: float = 0.0
    epochs: int = 6
    batch_norm: bool = True
    extra: tuple = field(default_factory=tuple)

    @property
    def key(self):
        """The run's identity: what it trains, not for how long (each group has one length, and the
        --quick smoke run keeps its shortened records apart, under target/)."""
        bn = "" if self.batch_norm else "-nobn"
        kind = {"reference": "-const", "gradflow": "-grad"}.get(self.group, "")
        pen = f"-pen{self.penalty:g}" if self.penalty else ""
        return f"{self.data}-{self.arch}-{self.neuron}{bn}{kind}{pen}-s{self.seed}"

    def args(self):
        base = list(REFERENCE) if self.group == "reference" else list(RECIPE)
        if self.group != "reference":
            base[base.index("--epochs") + 1] = str(self.epochs)
            if not self.batch_norm:
                base.remove("--batch-norm")
        a = ["train", "--json", "--data", self.data, "--arch", ARCH[self.arch][1], *NEURON[self.neuron][1],
             *base, "--seed", str(self.seed)]
        if self.penalty:
            a += ["--rate-penalty", f"{self.penalty:g}"]
        return a + list(self.extra)


def all_runs():
    """Every run, cheapest groups first, so that an interrupted run has the MLP results early."""
    runs = []
    for s in REFERENCE_SEEDS:
        runs.append(Run("reference", "mnist", "mlp", "s3nn", s, epochs=10, batch_norm=False))
    for bn in (True, False):
        for n in SURROGATES:
            runs.append(Run("gradflow", "mnist", "deep", n, TABLE_SEED, epochs=1, batch_norm=bn))
    for arch in ("mlp", "deep", "cnn"):
        for d, _ in DATASETS:
            for n, *_ in NEURONS:
                runs.append(Run("table", d, arch, n, TABLE_SEED))
        if arch == "mlp":
            for d, _ in DATASETS:
                for n, *_ in NEURONS:
                    runs += [Run("spread", d, "mlp", n, s) for s in SPREAD_SEEDS_MLP if s != TABLE_SEED]
            runs += tradeoff("mlp")
    for d, _ in DATASETS:
        for n in ("s3nn", "relu"):
            runs += [Run("spread", d, "cnn", n, s) for s in SPREAD_SEEDS_CNN if s != TABLE_SEED]
    runs += tradeoff("cnn")
    return runs


def tradeoff(arch):
    return [Run("tradeoff", "mnist", arch, n, TABLE_SEED, penalty=p)
            for n in TRADEOFF_NEURONS if NEURON[n][2] for p in PENALTIES[arch]]
