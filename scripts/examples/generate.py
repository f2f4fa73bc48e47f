#!/usr/bin/env python3
"""Writes examples/: realistic files a user pastes (real print output of real Keras, PyTorch and ONNX models),
each with the framework's own outputs for a given input.

    python3 scripts/examples/generate.py

Requirements (already installed on the build machine; the offline index is the only pip source here):
    pip install --index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple \
        numpy tensorflow-cpu==2.21.* keras==3.15.1 torch==2.13.0 onnx==1.23.1 onnxruntime==1.30.0

How each expected output is obtained: the weights are drawn (seeded) and rounded to the decimals the print will
show, loaded into the real model, and printed with the framework's real print/repr. The numbers are then read
back out of the printed text (so the expected run uses exactly what the file says, and the generator checks the
text against the weights it loaded), loaded into a float64 model of the same framework (onnxruntime: float32,
its only precision), and run on examples/inputs/<stem>.json. Output files:
    examples/<file>                 the pasted text
    examples/inputs/<stem>.json     {"x": [[...T x D]]}
    examples/expected/<stem>.json   layers, gate ranges, input, output (T x F of the last layer), final state
"""

import contextlib
import io
import json
import os
import re
import sys

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "fixtures"))
import generate as fixtures  # noqa: E402  (seed weights, versions(), NumPy reference)
import reference as ref  # noqa: E402

EX = os.path.join(REPO, "examples")
BASE_SEED = 4321

# Gate order per convention: (canonical gate, the framework's own letter). Mirrors src/core/conventions.ts.
GATES = {
    ("keras", "lstm"): [("i", "i"), ("f", "f"), ("c", "c"), ("o", "o")],
    ("keras", "gru"): [("z", "z"), ("r", "r"), ("n", "h")],
    ("keras", "simple_rnn"): [("h", "h")],
    ("pytorch", "lstm"): [("i", "i"), ("f", "f"), ("c", "g"), ("o", "o")],
    ("pytorch", "gru"): [("r", "r"), ("z", "z"), ("n", "n")],
    ("pytorch", "simple_rnn"): [("h", "h")],
    ("onnx", "lstm"): [("i", "i"), ("o", "o"), ("f", "f"), ("c", "c")],
    ("onnx", "gru"): [("z", "z"), ("r", "r"), ("n", "h")],
    ("onnx", "simple_rnn"): [("h", "h")],
}

NUMBER = re.compile(r"(?<![\w.])-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")


def numbers_in(text):
    """Every numeric literal of a printed array, in order ('float32', 'l0' etc. are not numbers here)."""
    return [float(m) for m in NUMBER.findall(text)]


def rng_for(stem):
    import zlib

    return np.random.default_rng([BASE_SEED, zlib.crc32(stem.encode())])


def draw(rng, shape, decimals):
    return np.round(rng.uniform(-0.6, 0.6, shape), decimals)


def from_text(text, shapes):
    """Re-read the weights from the printed text and cut them into the given shapes."""
    vals = numbers_in(text)
    total = sum(int(np.prod(s)) for s in shapes)
    if len(vals) != total:
        raise AssertionError(f"printed text has {len(vals)} numbers, expected {total}")
    out, k = [], 0
    for s in shapes:
        n = int(np.prod(s))
        out.append(np.array(vals[k:k + n], dtype=np.float64).reshape(s))
        k += n
    return out


def layer_entry(cell, convention, units, input_size, directions=1):
    if cell == "dense":
        return {"cell": "dense", "convention": convention, "units": units, "inputSize": input_size,
                "directions": 1, "gates": []}
    gates = [{"gate": g, "label": lab, "start": k * units, "end": (k + 1) * units}
             for k, (g, lab) in enumerate(GATES[(convention, cell)])]
    return {"cell": cell, "convention": convention, "units": units, "inputSize": input_size,
            "directions": directions, "gates": gates}


def write(stem, filename, text, layers, x, output, state, framework, dtype="float64", extra=None):
    with open(os.path.join(EX, filename), "w") as fh:
        fh.write(text)
    exp = {"file": filename, "framework": framework, "dtype": dtype,
           "tolerance": 1e-9 if dtype == "float64" else 1e-5, "layers": layers}
    exp["input"] = None
    if x is not None:
        exp["input"] = {"x": x.tolist()}
        with open(os.path.join(EX, "inputs", f"{stem}.json"), "w") as fh:
            json.dump({"x": x.tolist()}, fh)
            fh.write("\n")
    exp["output"] = None if output is None else np.asarray(output, dtype=np.float64).tolist()
    exp["state"] = None if state is None else {k: np.asarray(v, dtype=np.float64).tolist() for k, v in state.items()}
    if extra:
        exp.update(extra)
    exp["versions"] = VERSIONS
    with open(os.path.join(EX, "expected", f"{stem}.json"), "w") as fh:
        json.dump(exp, fh, indent=1)
        fh.write("\n")
    WRITTEN.append(filename)


WRITTEN = []
VERSIONS = {}


# ----------------------------------------------------------------------------------------------------------
# Keras: float64 runner


def keras_mod(fresh=False):
    import keras

    if fresh:
        # Layer names as a user sees them in a fresh session (lstm, forward_lstm, ...), not lstm_9.
        keras.backend.clear_session()
    keras.config.set_floatx("float64")
    return keras


def keras_run(specs, weights, x):
    """specs: list of dicts (type lstm|gru|simple_rnn|dense, units, reset_after, bidirectional, activation);
    every recurrent layer returns sequences. Returns (output (T,F), state of the last recurrent layer)."""
    keras = keras_mod()
    import tensorflow as tf

    y = tf.constant(x[None], dtype=tf.float64)
    last_rnn = max(i for i, s in enumerate(specs) if s["type"] != "dense")
    state = None
    for i, (s, ws) in enumerate(zip(specs, weights)):
        if s["type"] == "dense":
            layer = keras.layers.Dense(s["units"], activation=s.get("activation"), dtype="float64")
        else:
            cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}[s["type"]]
            kw = dict(units=s["units"], return_sequences=True, return_state=i == last_rnn, dtype="float64")
            if s["type"] == "gru":
                kw["reset_after"] = s.get("reset_after", True)
            layer = cls(**kw)
            if s.get("bidirectional"):
                layer = keras.layers.Bidirectional(layer, dtype="float64")
        layer.build(tuple(y.shape))
        layer.set_weights(ws)
        res = layer(y)
        if isinstance(res, (list, tuple)):
            y = res[0]
            st = [np.asarray(v)[0] for v in res[1:]]
            if s["type"] == "lstm":
                hs, cs = st[0::2], st[1::2]
                state = {"h": np.stack(hs), "c": np.stack(cs)}
            else:
                state = {"h": np.stack(st)}
        else:
            y = res
    out = np.asarray(y)[0]
    assert out.dtype == np.float64
    return out, state


def keras_float32_model(specs, input_size, T):
    """The model the user printed from: a plain float32 Keras model."""
    import keras

    keras.config.set_floatx("float32")
    layers = [keras.Input((T, input_size))]
    for s in specs:
        if s["type"] == "dense":
            layers.append(keras.layers.Dense(s["units"], activation=s.get("activation")))
            continue
        cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}[s["type"]]
        kw = dict(units=s["units"], return_sequences=True)
        if s["type"] == "gru":
            kw["reset_after"] = s.get("reset_after", True)
        lay = cls(**kw)
        layers.append(keras.layers.Bidirectional(lay) if s.get("bidirectional") else lay)
    model = keras.Sequential(layers)
    keras.config.set_floatx("float64")
    return model


def shapes_of(model):
    return [tuple(w.shape) for w in model.weights]


def split_per_layer(specs, flat):
    out, k = [], 0
    for s in specs:
        if s["type"] == "dense":
            n = 2
        else:
            n = 3 * (2 if s.get("bidirectional") else 1)
        out.append(flat[k:k + n])
        k += n
    assert k == len(flat)
    return out


def keras_layers_meta(specs, input_size):
    metas, d_in = [], input_size
    for s in specs:
        if s["type"] == "dense":
            metas.append(layer_entry("dense", "keras", s["units"], d_in))
            d_in = s["units"]
        else:
            D = 2 if s.get("bidirectional") else 1
            metas.append(layer_entry(s["type"], "keras", s["units"], d_in, D))
            d_in = s["units"] * D
    return metas


def printed(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn()
    return buf.getvalue()


FULL = dict(threshold=sys.maxsize)


# ----------------------------------------------------------------------------------------------------------
# the seed question


SEED_HEADER = '''\
# Reproducing a Keras LSTM by hand in NumPy
#
# model = Sequential()
# model.add(LSTM(3, input_shape=(1, 1)))
# model.compile(loss='mse', optimizer='adam')
#
# I took the weights with model.get_weights() (names as in model.weights: lstm_1/kernel:0 ...) and tried to
# compute the output of the first time step myself. Which part of the 12 columns is which gate?

import numpy as np

'''


def seed_files():
    k = fixtures.SEED_KERNEL
    rk = fixtures.seed_recurrent_kernel()
    b = fixtures.SEED_BIAS.astype(int)

    def lit(name, a):
        # Typed by hand in the question, the way the seed post has it: plain Python floats, one row a line.
        prefix = f"{name} = np.array(["
        rows = ["[" + ", ".join(repr(float(v)) for v in row) + "]" for row in np.asarray(a)]
        return prefix + (",\n" + " " * len(prefix)).join(rows) + "])"

    x = np.array([[0.83467698]])
    out, state = keras_run([{"type": "lstm", "units": 3}], [[k, rk, fixtures.SEED_BIAS]], x)
    with np.printoptions(precision=8):
        keras_says = str(out)

    def body(slices, comment):
        names = [("i", "sigmoid"), ("f", "sigmoid"), ("c", "np.tanh"), ("o", "sigmoid")]
        lines = [f"{n} = {fn}(z_1_lstm_1[0, {a}:{e}])" for (n, fn), (a, e) in zip(names, slices)]
        return (SEED_HEADER
                + lit("lstm_1_kernel_0", k) + "\n"
                + lit("lstm_1_recurrent_kernel_0", rk) + "\n"
                + f"lstm_1_bias_0 = np.array({b.tolist()})\n\n"
                + "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n\n"
                + "x = np.array([[0.83467698]])\n"
                + "h_0 = np.zeros((1, 3))\nc_0 = np.zeros((1, 3))\n\n"
                + "z_1_lstm_1 = np.dot(x, lstm_1_kernel_0) + np.dot(h_0, lstm_1_recurrent_kernel_0) + lstm_1_bias_0\n"
                + "\n".join(lines) + "\n\n"
                + "c_1 = f * c_0 + i * c\nh_1 = o * np.tanh(c_1)\nprint(h_1)\n"
                + f"# model.predict(x.reshape(1, 1, 1)) gives {keras_says}\n"
                + comment)

    correct = [(0, 3), (3, 6), (6, 9), (9, 12)]
    wrong = [(0, 3), (6, 9), (3, 6), (9, 12)]

    def slice_report(slices):
        actual = ["i", "f", "c", "o"]
        return [{"variable": n, "expression": f"z_1_lstm_1[0, {a}:{e}]", "start": a, "end": e, "claimedGate": n,
                 "actualGate": actual[a // 3]} for n, (a, e) in zip(["i", "f", "c", "o"], slices)]

    meta = [layer_entry("lstm", "keras", 3, 1)]
    extra = {"seedRecurrentKernel": "numpy.random.default_rng(0).uniform(-0.6, 0.6, (3, 12)) rounded to 8 decimals"}
    write("seed_keras_lstm", "seed_keras_lstm.py",
          body(correct, "# -> same numbers, so Keras packs the columns as i, f, c, o.\n"),
          meta, x, out, state, "keras", extra={**extra, "slices": slice_report(correct)})
    write("seed_keras_lstm_wrong_slices", "seed_keras_lstm_wrong_slices.py",
          body(wrong, "# -> my h_1 is different from what Keras prints. What am I doing wrong?\n"),
          meta, x, out, state, "keras", extra={**extra, "slices": slice_report(wrong)})
    assert np.allclose(out[0], [-0.03092078, 0.05519305, 0.01035437], atol=1e-8)


# ----------------------------------------------------------------------------------------------------------
# Keras prints


def keras_get_weights_file(stem, specs, input_size, T, prompt):
    """print(model.get_weights()) of a float32 model: the real repr with dtype=float32."""
    rng = rng_for(stem)
    keras_mod(fresh=True)
    model = keras_float32_model(specs, input_size, T)
    shapes = shapes_of(model)
    # 6 decimals survive the float32 round trip, so the print shows exactly the drawn decimals.
    ws = [draw(rng, s, 6).astype(np.float32) for s in shapes]
    model.set_weights(ws)
    with np.printoptions(**FULL):
        text = printed(lambda: print(model.get_weights()))
    assert "dtype=float32" in text and "..." not in text
    parsed = from_text(text, shapes)
    for p, w in zip(parsed, ws):
        assert np.array_equal(p.astype(np.float32), w)
    x = np.round(rng_for(stem + "/x").uniform(-1, 1, (T, input_size)), 6)
    out, state = keras_run(specs, split_per_layer(specs, parsed), x)
    write(stem, f"{stem}.txt", f">>> {prompt}\n{text}", keras_layers_meta(specs, input_size), x, out, state,
          "keras", extra={"printedFrom": "float32 Keras model; expected = the same layers in float64 on the "
                                          "printed decimals"})


def keras_named_file(stem, specs, input_size, T, ext="txt"):
    """for w in model.weights: print(w.path, w.numpy()) of a float64 model."""
    keras = keras_mod(fresh=True)
    rng = rng_for(stem)
    layers = [keras.Input((T, input_size), dtype="float64")]
    for s in specs:
        cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}[s["type"]]
        kw = dict(units=s["units"], return_sequences=True, dtype="float64")
        if s["type"] == "gru":
            kw["reset_after"] = s.get("reset_after", True)
        lay = cls(**kw)
        layers.append(keras.layers.Bidirectional(lay, dtype="float64") if s.get("bidirectional") else lay)
    model = keras.Sequential(layers, name="sequential")
    shapes = shapes_of(model)
    ws = [draw(rng, s, 8) for s in shapes]
    model.set_weights(ws)
    parts = []
    with np.printoptions(**FULL):
        for w in model.weights:
            parts.append(printed(lambda: print(w.path, w.numpy())))
    text = "".join(parts)
    nums = [np.array(numbers_in(p.split(" ", 1)[1])) for p in parts]
    for n, w in zip(nums, ws):
        assert np.array_equal(n, w.ravel())
    x = np.round(rng_for(stem + "/x").uniform(-1, 1, (T, input_size)), 6)
    out, state = keras_run(specs, split_per_layer(specs, ws), x)
    header = ">>> for w in model.weights:\n...     print(w.path, w.numpy())\n...\n"
    write(stem, f"{stem}.{ext}", header + text, keras_layers_meta(specs, input_size), x, out, state, "keras",
          extra={"printedFrom": "float64 Keras model (weights rounded to 8 decimals, numpy's default print "
                                "precision, so the print is exact)"})


def keras_json_file(stem, specs, input_size, T):
    keras = keras_mod(fresh=True)
    rng = rng_for(stem)
    layers = [keras.Input((T, input_size), dtype="float64")]
    for s in specs:
        cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}[s["type"]]
        layers.append(cls(units=s["units"], return_sequences=True, dtype="float64"))
    model = keras.Sequential(layers, name="sequential")
    ws = [rng.uniform(-0.6, 0.6, s) for s in shapes_of(model)]
    model.set_weights(ws)
    text = json.dumps({w.path: w.numpy().tolist() for w in model.weights}, indent=2) + "\n"
    back = list(json.loads(text).values())
    for b_, w in zip(back, ws):
        assert np.array_equal(np.array(b_), w)
    x = np.round(rng_for(stem + "/x").uniform(-1, 1, (T, input_size)), 6)
    out, state = keras_run(specs, split_per_layer(specs, ws), x)
    write(stem, f"{stem}.json", text, keras_layers_meta(specs, input_size), x, out, state, "keras",
          extra={"printedFrom": "json.dumps({w.path: w.numpy().tolist() for w in model.weights}, indent=2) of a "
                                "float64 Keras model (full float64 repr)"})


def truncated_file():
    """numpy's real summarised print ('...') of a large LSTM: a file that cannot be run."""
    stem = "truncated_print"
    specs = [{"type": "lstm", "units": 64}]
    model = keras_float32_model(specs, 32, 10)
    rng = rng_for(stem)
    model.set_weights([rng.uniform(-0.2, 0.2, s).astype(np.float32) for s in shapes_of(model)])
    text = printed(lambda: print(model.get_weights()))
    assert "..." in text
    write(stem, f"{stem}.txt", ">>> print(model.get_weights())\n" + text, keras_layers_meta(specs, 32), None, None,
          None, "keras", dtype="float32",
          extra={"truncated": True, "shapes": [list(s) for s in shapes_of(model)],
                 "note": "numpy summarises arrays over 1000 elements with '...'; the weights cannot be "
                         "recovered, so there is no input and no expected output."})


# ----------------------------------------------------------------------------------------------------------
# PyTorch


def torch_run(kind, cfg, sd, x):
    import torch

    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "simple_rnn": torch.nn.RNN}[kind]
    m = cls(batch_first=True, **cfg).double()
    m.load_state_dict({k: torch.from_numpy(np.asarray(v, dtype=np.float64)) for k, v in sd.items()})
    with torch.no_grad():
        out, st = m(torch.from_numpy(x[None]))
    L = cfg.get("num_layers", 1)
    D = 2 if cfg.get("bidirectional") else 1
    last = slice((L - 1) * D, L * D)  # the last layer's directions
    if kind == "lstm":
        state = {"h": st[0].numpy()[last, 0], "c": st[1].numpy()[last, 0]}
    else:
        state = {"h": st.numpy()[last, 0]}
    return out.numpy()[0], state


def torch_layers_meta(kind, cfg):
    L, D = cfg.get("num_layers", 1), 2 if cfg.get("bidirectional") else 1
    metas, d_in = [], cfg["input_size"]
    for _ in range(L):
        metas.append(layer_entry(kind, "pytorch", cfg["hidden_size"], d_in, D))
        d_in = cfg["hidden_size"] * D
    return metas


class _Net:
    """Builds `class Net(nn.Module)` holding one recurrent module under `attr`, as users write it."""

    @staticmethod
    def make(kind, cfg, attr, dtype):
        import torch

        cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "simple_rnn": torch.nn.RNN}[kind]

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                setattr(self, attr, cls(batch_first=True, **cfg))

        return Net().to(dtype)


def torch_state_dict_file(stem, kind, cfg, attr, dtype_name, T):
    import torch

    dtype = getattr(torch, dtype_name)
    rng = rng_for(stem)
    net = _Net.make(kind, cfg, attr, dtype)
    sd = net.state_dict()
    # torch prints 4 decimals by default; weights with 4 decimals print exactly.
    new = {k: torch.from_numpy(draw(rng, tuple(v.shape), 4)).to(dtype) for k, v in sd.items()}
    net.load_state_dict(new)
    torch.set_printoptions(profile="default")
    torch.set_printoptions(threshold=sys.maxsize)
    text = printed(lambda: print(net.state_dict()))
    torch.set_printoptions(profile="default")
    assert text.startswith("OrderedDict([(")
    shapes = [tuple(v.shape) for v in sd.values()]
    parsed = from_text(re.sub(r"'[^']*'", "''", text).replace("torch.float64", ""), shapes)
    prefix = attr + "."
    flat = {k[len(prefix):]: p for k, p in zip(sd.keys(), parsed)}
    for k, v in new.items():
        assert np.array_equal(flat[k[len(prefix):]].astype(v.numpy().dtype), v.numpy())
    x = np.round(rng_for(stem + "/x").uniform(-1, 1, (T, cfg["input_size"])), 4)
    out, state = torch_run(kind, cfg, flat, x)
    write(stem, f"{stem}.txt", ">>> print(model.state_dict())\n" + text, torch_layers_meta(kind, cfg), x, out,
          state, "pytorch",
          extra={"printedFrom": f"{dtype_name} model, torch's default print precision (4 decimals); weights "
                                "rounded to 4 decimals so the print is exact; expected from the same module in "
                                "float64", "stateLayout": "h/c of the LAST layer: (directions, H)"})


def torch_parameters_file(stem, kind, cfg, T):
    import torch

    rng = rng_for(stem)
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "simple_rnn": torch.nn.RNN}[kind]
    m = cls(batch_first=True, **cfg)
    sd = m.state_dict()
    new = {k: torch.from_numpy(draw(rng, tuple(v.shape), 4)).float() for k, v in sd.items()}
    m.load_state_dict(new)
    text = printed(lambda: [print(p) for p in m.parameters()])
    assert text.startswith("Parameter containing:")
    shapes = [tuple(v.shape) for v in sd.values()]
    parsed = from_text(text.replace("requires_grad=True", ""), shapes)
    flat = dict(zip(sd.keys(), parsed))
    x = np.round(rng_for(stem + "/x").uniform(-1, 1, (T, cfg["input_size"])), 4)
    out, state = torch_run(kind, cfg, flat, x)
    write(stem, f"{stem}.txt", ">>> for p in rnn.parameters():\n...     print(p)\n...\n" + text,
          torch_layers_meta(kind, cfg), x, out, state, "pytorch",
          extra={"printedFrom": "float32 module, default print (4 decimals, exact); parameters() order = "
                                "weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0; expected from float64",
                 "stateLayout": "h of the LAST layer: (directions, H)"})


def torch_literals_file(stem, T):
    """A hand-written script that loads tensors typed as torch.tensor literals into nn.LSTM."""
    rng = rng_for(stem)
    cfg = {"input_size": 2, "hidden_size": 3}
    sd = {"weight_ih_l0": draw(rng, (12, 2), 8), "weight_hh_l0": draw(rng, (12, 3), 8),
          "bias_ih_l0": draw(rng, (12,), 8), "bias_hh_l0": draw(rng, (12,), 8)}

    def lit(name, a):
        prefix = f"{name} = torch.tensor("
        body = np.array2string(a, separator=", ", prefix=prefix, max_line_width=100, precision=8,
                               floatmode="maxprec", threshold=sys.maxsize)
        return f"{prefix}{body}, dtype=torch.float64)"

    lines = ["import torch", "import torch.nn as nn", "",
             "lstm = nn.LSTM(input_size=2, hidden_size=3, batch_first=True).double()", "",
             "# weights exported from our training run (gate rows i, f, g, o)", ""]
    for k, v in sd.items():
        lines.append(lit(k, v))
    lines += ["", "with torch.no_grad():"]
    lines += [f"    lstm.{k}.copy_({k})" for k in sd]
    lines += ["", "x = torch.tensor(X, dtype=torch.float64).unsqueeze(0)  # X from inputs/torch_lstm_tensors.json",
              "out, (h, c) = lstm(x)", ""]
    text = "\n".join(lines)
    for k, v in sd.items():
        seg = text.split(f"{k} = ", 1)[1].split("dtype", 1)[0]
        assert np.array_equal(np.array(numbers_in(seg)), v.ravel()), k
    x = np.round(rng_for(stem + "/x").uniform(-1, 1, (T, 2)), 6)
    out, state = torch_run("lstm", cfg, sd, x)
    write(stem, f"{stem}.py", text, torch_layers_meta("lstm", cfg), x, out, state, "pytorch",
          extra={"stateLayout": "h/c of the LAST layer: (directions, H)"})


# ----------------------------------------------------------------------------------------------------------
# ONNX


def onnx_file(stem, kind, I, H, T, direction, attrs, node_attr_text):
    """Initializers printed with repr(numpy_helper.to_array(init)) into a Python file with the make_node line."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    rng = rng_for(stem)
    G = {"lstm": 4, "gru": 3, "simple_rnn": 1}[kind]
    op = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "RNN"}[kind]
    D = 2 if direction == "bidirectional" else 1
    Wn = draw(rng, (D, G * H, I), 6).astype(np.float32)
    Rn = draw(rng, (D, G * H, H), 6).astype(np.float32)
    Bn = draw(rng, (D, 2 * G * H), 6).astype(np.float32)
    inits = [numpy_helper.from_array(Wn, "W"), numpy_helper.from_array(Rn, "R"), numpy_helper.from_array(Bn, "B")]
    outs = ["Y", "Y_h"] + (["Y_c"] if kind == "lstm" else [])
    node = helper.make_node(op, inputs=["X", "W", "R", "B"], outputs=outs, hidden_size=H, direction=direction,
                            **attrs)
    shapes = {"Y": [T, D, 1, H], "Y_h": [D, 1, H], "Y_c": [D, 1, H]}
    graph = helper.make_graph([node], stem, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, 1, I])],
                              [helper.make_tensor_value_info(o, TensorProto.FLOAT, shapes[o]) for o in outs],
                              initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    reprs = {init.name: repr(numpy_helper.to_array(init)) for init in model.graph.initializer}
    for name, arr_ in zip("WRB", (Wn, Rn, Bn)):
        got = np.array(numbers_in(reprs[name].replace("float32", ""))).astype(np.float32)
        assert np.array_equal(got, arr_.ravel()), name
    x = np.round(rng_for(stem + "/x").uniform(-1, 1, (T, I)), 6)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    res = sess.run(outs, {"X": x.astype(np.float32)[:, None, :]})
    Y = res[0][:, :, 0, :]  # (T, D, H)
    output = Y.reshape(T, D * H)  # per step: forward then backward, like a concat merge
    state = {"h": res[1][:, 0, :]}
    if kind == "lstm":
        state["c"] = res[2][:, 0, :]
    lines = ["import numpy as np", "from onnx import helper, numpy_helper, TensorProto", "",
             f"# Initializers of our exported {op}, printed with repr(numpy_helper.to_array(init)):", ""]
    for name in "WRB":
        lines.append(f"{name} = np.{reprs[name].replace('dtype=float32', 'dtype=np.float32')}")
        lines.append("")
    out_list = ", ".join(f'"{o}"' for o in outs)
    lines += [f'node = helper.make_node("{op}", inputs=["X", "W", "R", "B"], outputs=[{out_list}], '
              f"hidden_size={H}{node_attr_text})", ""]
    write(stem, f"{stem}.py", "\n".join(lines), [layer_entry(kind, "onnx", H, I, D)], x, output, state,
          "onnxruntime", dtype="float32",
          extra={"printedFrom": "float32 initializers (6 decimals, exact in float32); expected = onnxruntime "
                                "1.30 CPU (float32 only) on x cast to float32",
                 "outputLayout": "Y (T, D, 1, H) as T x (D*H): forward then backward at each step (reverse "
                                 "direction in original time order)",
                 "config": {"hidden_size": H, "direction": direction, **attrs}})


# ----------------------------------------------------------------------------------------------------------


def main():
    for d in ("", "inputs", "expected"):
        os.makedirs(os.path.join(EX, d), exist_ok=True)
    VERSIONS.update(fixtures.versions())
    import torch

    torch.set_num_threads(1)
    seed_files()
    keras_get_weights_file("keras_lstm_get_weights", [{"type": "lstm", "units": 4}], 3, 5,
                           "print(model.get_weights())")
    keras_get_weights_file("keras_gru_get_weights", [{"type": "gru", "units": 3, "reset_after": True}], 2, 4,
                           "print(model.get_weights())")
    keras_get_weights_file("keras_stacked_lstm_dense",
                           [{"type": "lstm", "units": 4}, {"type": "lstm", "units": 3}, {"type": "dense", "units": 2}],
                           3, 4, "print(model.get_weights())")
    keras_named_file("keras_lstm_named_weights", [{"type": "lstm", "units": 3}], 2, 4)
    keras_named_file("keras_bidirectional_lstm", [{"type": "lstm", "units": 3, "bidirectional": True}], 2, 4)
    keras_named_file("keras_simple_rnn_named", [{"type": "simple_rnn", "units": 4}], 3, 5)
    keras_json_file("keras_lstm_weights", [{"type": "lstm", "units": 3}], 2, 4)
    truncated_file()
    torch_state_dict_file("torch_lstm_state_dict", "lstm", {"input_size": 3, "hidden_size": 4, "num_layers": 2},
                          "lstm", "float64", 5)
    torch_state_dict_file("torch_gru_bidirectional_state_dict", "gru",
                          {"input_size": 2, "hidden_size": 3, "bidirectional": True}, "gru", "float32", 4)
    torch_parameters_file("torch_rnn_parameters", "simple_rnn", {"input_size": 2, "hidden_size": 3}, 4)
    torch_literals_file("torch_lstm_tensors", 4)
    onnx_file("onnx_gru_initializers", "gru", 2, 3, 4, "forward", {"linear_before_reset": 1},
              ", linear_before_reset=1")
    onnx_file("onnx_lstm_bidirectional_initializers", "lstm", 3, 2, 4, "bidirectional", {},
              ', direction="bidirectional"')
    print("\n".join(WRITTEN))


if __name__ == "__main__":
    main()
