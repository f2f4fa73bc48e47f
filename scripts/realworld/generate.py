#!/usr/bin/env python3
"""Rebuilds input.json and expected.json of every real-world corpus case in test/fixtures/realworld/NN-slug/.

    python3 scripts/realworld/generate.py            # every case
    python3 scripts/realworld/generate.py 03 11      # only the cases whose folder starts with these prefixes
    python3 scripts/realworld/generate.py --blocks 03  # list the numeric blocks found in a case's paste

A case folder holds the verbatim paste (the only file a person wrote), source.md, and case.json: which framework
layer and constructor arguments the poster used (from the source's own code), which numeric blocks of the paste
are which weight, and what recognition should conclude. This script parses the decimals out of the paste itself
(its own small bracket/number reader below, independent of Gate Lens), builds the REAL framework layer (Keras 3 or
PyTorch) in float64 from those decimals exactly as written, runs it on the case's input and writes the outputs.
Every run is cross-checked by an independent NumPy recurrence (numpy_reference below); a difference above 1e-12
aborts. Incomplete pastes (truncated values, shapes only) get the expected skeleton and diagnosis instead.
"""

import json
import math
import os
import re
import sys

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import numpy as np  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(REPO, "test", "fixtures", "realworld")
CROSS_CHECK_TOL = 1e-12

# ----------------------------------------------------------------------------------------------------------
# reading numbers out of the paste

NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
BLOCK_CHARS = re.compile(r"[\s\d.,eE+\-\[\]]*")


def numeric_blocks(text):
    """Every outermost bracketed group [..] whose content is only numbers, commas, whitespace and brackets, in text
    order, as (start offset, nested Python lists of floats). Numbers are read with float() from their literal text,
    so each is the double nearest to the printed decimal."""
    blocks = []
    i = 0
    while i < len(text):
        if text[i] != "[":
            i += 1
            continue
        end = _balanced_end(text, i)
        if end is not None and BLOCK_CHARS.fullmatch(text[i:end]) and re.search(r"\d", text[i:end]):
            blocks.append((i, _parse_nested(text[i:end])))
            i = end
        else:
            i += 1
    return blocks


def _balanced_end(text, start):
    depth = 0
    for j in range(start, len(text)):
        c = text[j]
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        elif not (c.isspace() or c.isdigit() or c in ".,eE+-"):
            return None
    return None


def _parse_nested(s):
    tokens = re.findall(NUMBER + r"|\[|\]", s)
    stack = [[]]
    for t in tokens:
        if t == "[":
            stack.append([])
        elif t == "]":
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(float(t))
    return stack[0][0]


def paste_text_for(case, path):
    """paste_text, with '#' comment markers removed first when the printed arrays sit in comment lines."""
    text = paste_text(path)
    if case.get("uncomment"):
        text = re.sub(r"(?m)^[ \t]*# ?", "", text)
    return text


def paste_text(path):
    """The text the numbers are read from: the file itself, or for a notebook (.ipynb) every cell's source and
    text outputs (text/plain, streams) joined in order, since the JSON string quoting breaks up printed arrays."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not path.endswith(".ipynb"):
        return text
    parts = []
    for cell in json.loads(text)["cells"]:
        parts.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            t = out.get("text") or out.get("data", {}).get("text/plain", "")
            parts.append("".join(t))
    return "\n\n".join(parts)


def block_array(blocks, spec):
    """The array a case.json entry names: {"block": k} (optionally "shape" to reshape a flat print in C order,
    "transpose": true for a print laid out the other way round)."""
    a = np.array(blocks[spec["block"]][1], dtype=np.float64)
    if "index" in spec:  # one sequence of a printed batch laid out (batch, T, D)
        a = a[spec["index"]]
    if "batchColumn" in spec:  # one sequence of a printed batch laid out (T, batch, D)
        a = a[:, spec["batchColumn"]]
    if "shape" in spec:
        a = a.reshape(spec["shape"])
    if spec.get("transpose"):
        a = a.T
    return a


# ----------------------------------------------------------------------------------------------------------
# activations used by the cases (Keras 2's hard_sigmoid is not Keras 3's; see src/core/activations.ts)


def keras2_hard_sigmoid_np(x):
    return np.clip(0.2 * x + 0.5, 0.0, 1.0)


NP_ACT = {
    "tanh": np.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "relu": lambda x: np.maximum(x, 0.0),
    "linear": lambda x: x,
    "hard_sigmoid_keras2": keras2_hard_sigmoid_np,
}


def keras_activation(name):
    if name == "hard_sigmoid_keras2":
        import keras

        return lambda x: keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)
    return name


# ----------------------------------------------------------------------------------------------------------
# the real frameworks


def run_keras(case, weights, x):
    import keras

    keras.config.set_floatx("float64")
    layer_spec = case["layer"]
    cls = getattr(keras.layers, layer_spec["class"])
    args = dict(layer_spec.get("args", {}))
    for k in ("activation", "recurrent_activation"):
        if k in args:
            args[k] = keras_activation(args[k])
    layer = cls(**args, return_sequences=True, return_state=True, dtype="float64")
    if layer_spec.get("bidirectional"):
        layer = keras.layers.Bidirectional(layer, merge_mode=layer_spec["bidirectional"], dtype="float64")
    inp = keras.Input(shape=(None, x.shape[1]), dtype="float64")
    model = keras.Model(inp, layer(inp))
    layer.set_weights([w for w in weights])
    res = model(x[None, :, :].astype(np.float64))
    seq = np.asarray(res[0])[0]
    states = [np.asarray(s)[0] for s in res[1:]]
    per_dir = 2 if layer_spec["class"] == "LSTM" else 1
    dirs = 2 if layer_spec.get("bidirectional") else 1
    out = {"outputs": seq, "h": [states[d * per_dir] for d in range(dirs)]}
    if layer_spec["class"] == "LSTM":
        out["c"] = [states[d * per_dir + 1] for d in range(dirs)]
    return out


def run_torch(case, weights, x, initial=None):
    import torch

    layer_spec = case["layer"]
    cls = getattr(torch.nn, layer_spec["class"])
    module = cls(**layer_spec.get("args", {})).double()
    state = {name: torch.tensor(w, dtype=torch.float64) for name, w in weights.items()}
    module.load_state_dict(state, strict=True)
    batch_first = layer_spec.get("args", {}).get("batch_first", False)
    xt = torch.tensor(x, dtype=torch.float64)
    hx = torch_initial_state(layer_spec["class"], initial)
    with torch.no_grad():
        y, hn = module(xt[None, :, :] if batch_first else xt[:, None, :], hx)
    dirs = 2 if layer_spec.get("args", {}).get("bidirectional") else 1
    out = {"outputs": (y[0] if batch_first else y[:, 0]).numpy()}
    if layer_spec["class"] == "LSTM":
        h, c = hn
        out["h"] = [h[-dirs + d, 0].numpy() for d in range(dirs)]
        out["c"] = [c[-dirs + d, 0].numpy() for d in range(dirs)]
    else:
        out["h"] = [hn[-dirs + d, 0].numpy() for d in range(dirs)]
    return out


def torch_initial_state(cls, initial):
    """(h0, c0) laid out (num_layers*directions=1, batch=1, H) for the module call; None means zeros."""
    import torch

    if not initial:
        return None
    h0 = torch.tensor(initial["h0"], dtype=torch.float64).reshape(1, 1, -1)
    if cls != "LSTM":
        return h0
    return (h0, torch.tensor(initial["c0"], dtype=torch.float64).reshape(1, 1, -1))


# ----------------------------------------------------------------------------------------------------------
# independent NumPy recurrences (the textbook equations, written from the framework docs, not from Gate Lens)


def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_keras(case, weights, x):
    if case["layer"].get("bidirectional"):
        n = len(weights) // 2
        fw = np_keras_one(case, weights[:n], x)
        bw = np_keras_one(case, weights[n:], x[::-1])
        merge = case["layer"]["bidirectional"]
        if merge != "concat":
            raise ValueError(f"merge mode {merge} not written here")
        res = {"outputs": np.concatenate([fw["outputs"], bw["outputs"][::-1]], axis=1), "h": fw["h"] + bw["h"]}
        if "c" in fw:
            res["c"] = fw["c"] + bw["c"]
        return res
    return np_keras_one(case, weights, x)


def np_keras_one(case, weights, x):
    cls = case["layer"]["class"]
    args = case["layer"].get("args", {})
    act = NP_ACT[args.get("activation", "tanh")]
    ract = NP_ACT[args.get("recurrent_activation", "sigmoid")]
    W, U = weights[0], weights[1]
    b = weights[2] if len(weights) > 2 else None
    H = U.shape[0]
    h = np.zeros(H)
    c = np.zeros(H)
    outs = []
    for xt in x:
        if cls == "SimpleRNN":
            h = act(xt @ W + h @ U + (b if b is not None else 0.0))
        elif cls == "LSTM":
            z = xt @ W + h @ U + (b if b is not None else 0.0)
            i, f, g, o = (z[k * H:(k + 1) * H] for k in range(4))
            c = ract(f) * c + ract(i) * act(g)
            h = ract(o) * act(c)
        elif cls == "GRU":
            reset_after = args.get("reset_after", True)
            if reset_after:
                bi, br = (b[0], b[1]) if b is not None else (np.zeros(3 * H), np.zeros(3 * H))
                xz = xt @ W + bi
                hz = h @ U + br
                z = ract(xz[:H] + hz[:H])
                r = ract(xz[H:2 * H] + hz[H:2 * H])
                n = act(xz[2 * H:] + r * hz[2 * H:])
            else:
                bb = b if b is not None else np.zeros(3 * H)
                xz = xt @ W + bb
                z = ract(xz[:H] + h @ U[:, :H])
                r = ract(xz[H:2 * H] + h @ U[:, H:2 * H])
                n = act(xz[2 * H:] + (r * h) @ U[:, 2 * H:])
            h = z * h + (1 - z) * n
        outs.append(h.copy())
    res = {"outputs": np.array(outs), "h": [h]}
    if cls == "LSTM":
        res["c"] = [c]
    return res


def np_torch(case, weights, x, initial=None):
    cls = case["layer"]["class"]
    args = case["layer"].get("args", {})
    layers = args.get("num_layers", 1)
    dirs = 2 if args.get("bidirectional") else 1
    act = np.tanh if args.get("nonlinearity", "tanh") == "tanh" else (lambda v: np.maximum(v, 0.0))
    seq = x
    finals_h, finals_c = [], []
    for layer in range(layers):
        dir_outs = []
        finals_h, finals_c = [], []
        for d in range(dirs):
            sfx = f"_l{layer}" + ("_reverse" if d else "")
            Wi, Wh = weights["weight_ih" + sfx], weights["weight_hh" + sfx]
            bi = weights.get("bias_ih" + sfx, np.zeros(Wi.shape[0]))
            bh = weights.get("bias_hh" + sfx, np.zeros(Wi.shape[0]))
            H = Wh.shape[1]
            h = np.array(initial["h0"], dtype=np.float64) if initial else np.zeros(H)
            c = np.array(initial["c0"], dtype=np.float64) if initial and "c0" in initial else np.zeros(H)
            order = range(len(seq)) if d == 0 else range(len(seq) - 1, -1, -1)
            outs = [None] * len(seq)
            for t in order:
                gi = Wi @ seq[t] + bi
                gh = Wh @ h + bh
                if cls == "RNN":
                    h = act(gi + gh)
                elif cls == "LSTM":
                    i, f, g, o = (gi[k * H:(k + 1) * H] + gh[k * H:(k + 1) * H] for k in range(4))
                    c = sig(f) * c + sig(i) * np.tanh(g)
                    h = sig(o) * np.tanh(c)
                elif cls == "GRU":
                    r = sig(gi[:H] + gh[:H])
                    z = sig(gi[H:2 * H] + gh[H:2 * H])
                    n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
                    h = (1 - z) * n + z * h
                outs[t] = h.copy()
            dir_outs.append(np.array(outs))
            finals_h.append(h)
            finals_c.append(c)
        seq = np.concatenate(dir_outs, axis=1)
    res = {"outputs": seq, "h": finals_h}
    if cls == "LSTM":
        res["c"] = finals_c
    return res


# ----------------------------------------------------------------------------------------------------------
# inputs


def ramp_input(steps, features):
    """The documented default input when a paste has none: x[t][j] = ((t*features + j) % 7 - 3) / 4."""
    return np.array([[((t * features + j) % 7 - 3) / 4 for j in range(features)] for t in range(steps)], dtype=np.float64)


def case_input(case, blocks):
    spec = case["input"]
    if spec["from"] == "ramp":
        return ramp_input(spec["steps"], case["expect"]["inputSize"]), f"ramp rule x[t][j] = ((t*D + j) % 7 - 3) / 4, T={spec['steps']}"
    if spec["from"] == "paste":
        return block_array(blocks, spec), spec["note"]
    if spec["from"] == "constant":  # the paste's own input written as code, e.g. np.ones((1, 30, 1)) * 0.5
        return np.full((spec["steps"], case["expect"]["inputSize"]), float(spec["value"])), spec["note"]
    raise ValueError(f"unknown input source {spec['from']}")


def case_initial_state(case, blocks):
    """The paste's own initial states ({"h0": {"block": k}, "c0": ...} under "input"), or None (zeros). Only a
    single-layer, single-direction layer takes them here, as the CLI gives them to the first layer."""
    spec = case["input"]
    if "h0" not in spec:
        return None
    return {k: block_array(blocks, spec[k]).ravel() for k in ("h0", "c0") if k in spec}


# ----------------------------------------------------------------------------------------------------------


def framework_versions(framework):
    if framework == "keras":
        import keras
        import tensorflow as tf

        return f"keras {keras.__version__} (TensorFlow {tf.__version__} backend), float64"
    import torch

    return f"torch {torch.__version__}, float64"


def rows(a):
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    return [[float(v) for v in r] for r in a]


def build_case(folder):
    path = os.path.join(CORPUS, folder)
    with open(os.path.join(path, "case.json"), encoding="utf-8") as f:
        case = json.load(f)
    text = paste_text_for(case, os.path.join(path, case["paste"]))
    if case.get("kind") == "no-recurrent":
        # A paste of other layers only (a distractor case): nothing recurrent may be recognised, run must refuse.
        expected = {"generatedBy": "scripts/realworld/generate.py", "kind": "no-recurrent", "complete": False, "layer": None,
                    "diagnosis": case["diagnosis"], "run": "must exit non-zero: there is no recurrent layer"}
        write_json(os.path.join(path, "input.json"), {"x": [[0.0]]})
        write_json(os.path.join(path, "expected.json"), expected)
        return f"{folder}: no recurrent layer ({case['diagnosis'][:60]}…)"
    expected = {
        "generatedBy": "scripts/realworld/generate.py",
        "complete": case["complete"],
        "layer": case["expect"],
    }
    if not case["complete"]:
        expected["missing"] = case["missing"]
        # The same list per array (role, direction, reason, name as written), which the corpus test compares exactly.
        expected["missingArrays"] = case["missingArrays"]
        expected["diagnosis"] = case["diagnosis"]
        expected["run"] = "must exit non-zero: nothing can run without every value"
        x = ramp_input(2, case["expect"]["inputSize"])
        write_json(os.path.join(path, "input.json"), {"x": rows(x)})
        expected["input"] = "ramp rule x[t][j] = ((t*D + j) % 7 - 3) / 4, T=2 (of the right width, so run fails for the missing values only)"
        write_json(os.path.join(path, "expected.json"), expected)
        return f"{folder}: incomplete ({', '.join(case['missing'])})"
    blocks = numeric_blocks(text)
    fw = case["framework"]
    if fw == "keras":
        weights = [block_array(blocks, w) for w in case["weights"]]
    else:
        weights = {w["name"]: block_array(blocks, w) for w in case["weights"]}
    x, input_note = case_input(case, blocks)
    initial = case_initial_state(case, blocks)
    if initial and fw != "pytorch":
        raise SystemExit(f"{folder}: initial states from the paste are written for PyTorch cases only")
    states = {k: [float(v) for v in a] for k, a in (initial or {}).items()}
    write_json(os.path.join(path, "input.json"), {"x": rows(x), **states})
    if initial:
        got, ref = run_torch(case, weights, x, initial), np_torch(case, weights, x, initial)
    else:
        got = (run_keras if fw == "keras" else run_torch)(case, weights, x)
        ref = (np_keras if fw == "keras" else np_torch)(case, weights, x)
    diff = max_diff(got, ref)
    if not diff <= CROSS_CHECK_TOL:
        raise SystemExit(f"{folder}: framework and NumPy recurrence differ by {diff}")
    expected["framework"] = framework_versions(fw)
    expected["input"] = input_note
    expected["outputs"] = rows(got["outputs"])
    expected["state"] = {"h": rows(got["h"])}
    if "c" in got:
        expected["state"]["c"] = rows(got["c"])
    expected["crossCheck"] = {"numpyMaxAbsDiff": diff}
    if "reference" in case:
        expected["crossCheck"]["pasteOwnOutput"] = paste_output_check(folder, case["reference"], blocks, got)
    write_json(os.path.join(path, "expected.json"), expected)
    return f"{folder}: {fw} {case['layer']['class']} T={len(x)}, max |framework - numpy| = {diff:.3g}"


def paste_output_check(folder, spec, blocks, got):
    """When the paste prints the poster's own run (rounded, float32), the float64 result must agree to that
    rounding plus float32 noise: a third, independent check that the layer and the weight mapping are right."""
    printed = block_array(blocks, spec).ravel()
    ours = np.asarray(got["h"][0] if spec.get("compare", "h") == "h" else got["outputs"]).ravel()
    diff = float(np.max(np.abs(ours - printed)))
    allowed = 0.5 * 10 ** -spec["decimals"] + 2e-6
    if "float32Steps" in spec:
        # A float32 run accumulates about one rounding of the largest value per step (e.g. a linear layer summing up).
        allowed += spec["float32Steps"] * float(np.max(np.abs(printed))) * 2.0 ** -23
    if not diff <= allowed:
        raise SystemExit(f"{folder}: the framework run differs from the paste's own printed output by {diff}")
    return {"what": spec["what"], "maxAbsDiff": diff}


def max_diff(a, b):
    d = float(np.max(np.abs(np.asarray(a["outputs"]) - np.asarray(b["outputs"]))))
    for k in ("h", "c"):
        if k in a:
            d = max(d, float(np.max(np.abs(np.asarray(a[k]) - np.asarray(b[k])))))
    if math.isnan(d):
        return float("inf")
    return d


def write_json(path, obj):
    """Indented JSON with every innermost list of numbers on one line (repr of a double round-trips exactly)."""
    text = json.dumps(obj, indent=1, ensure_ascii=False)
    text = re.sub(r"\[\s*([-0-9.eE+,\s]+?)\s*\]", lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


def main(argv):
    folders = sorted(d for d in os.listdir(CORPUS) if os.path.isdir(os.path.join(CORPUS, d)) and re.match(r"\d\d-", d))
    if argv and argv[0] == "--blocks":
        for folder in (f for f in folders if any(f.startswith(p) for p in argv[1:])):
            case = json.load(open(os.path.join(CORPUS, folder, "case.json"), encoding="utf-8"))
            text = paste_text_for(case, os.path.join(CORPUS, folder, case["paste"]))
            for k, (off, b) in enumerate(numeric_blocks(text)):
                print(folder, k, f"line {text.count(chr(10), 0, off) + 1}", np.array(b).shape, str(b)[:70])
        return
    if argv:
        folders = [f for f in folders if any(f.startswith(p) for p in argv)]
    worst = 0.0
    for folder in folders:
        line = build_case(folder)
        print(line)
        m = re.search(r"= ([0-9.e+-]+)$", line)
        if m:
            worst = max(worst, float(m.group(1)))
    print(f"{len(folders)} cases; worst framework vs NumPy difference {worst:.3g}")


if __name__ == "__main__":
    main(sys.argv[1:])
