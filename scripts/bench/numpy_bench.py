"""NumPy float64 peer for `npm run bench` (optional: run only where python3 and numpy exist).

Reads the manifest written by scripts/bench/run.mjs (the same weights and inputs every engine gets, as raw
little-endian float64 files in the canonical layout of src/core/model.ts), runs the textbook equations
(gate order LSTM i,f,c,o; GRU z,r,n with the reset gate after the recurrent product, Keras reset_after=True),
writes each output for run.mjs to check against the Gate Lens float64 core, and prints one JSON line per case.
Run single-threaded: run.mjs sets OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1.

With --serve, the process stays up and answers one request per stdin line, so that run.mjs can time NumPy between
its own engines, round by round, in one run (the machine's load then weighs on both sides alike):
  setup K   builds case K, runs it once, writes its output file; answers {"case": name}
  time K    one measurement of case K (repeats for minSeconds of CPU time); answers {"cpuMs", "wallMs"} per call
"""
import json
import sys
import time

import numpy as np


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


class Cell:
    def __init__(self, case):
        def load(name, shape):
            return np.fromfile(case["files"][name], dtype="<f8").reshape(shape)

        self.cell, H, D = case["cell"], case["H"], case["D"]
        G = 4 if self.cell == "lstm" else 3
        self.H = H
        self.W_T = np.ascontiguousarray(load("W", (G * H, D)).T)
        self.R_T = np.ascontiguousarray(load("R", (G * H, H)).T)
        self.bW = load("bW", (G * H,))
        self.bR = load("bR", (G * H,))
        self.x = load("x", (case["T"], D))

    def run(self, x, h, c):
        """Runs every row of x from state (h, c); returns (outputs, h, c)."""
        H = self.H
        out = np.empty((x.shape[0], H))
        if self.cell == "lstm":
            zx = x @ self.W_T + (self.bW + self.bR)
            for t in range(x.shape[0]):
                z = zx[t] + h @ self.R_T
                i = sigmoid(z[:H])
                f = sigmoid(z[H:2 * H])
                g = np.tanh(z[2 * H:3 * H])
                o = sigmoid(z[3 * H:])
                c = f * c + i * g
                h = o * np.tanh(c)
                out[t] = h
        else:
            zx = x @ self.W_T + self.bW
            for t in range(x.shape[0]):
                zh = h @ self.R_T + self.bR
                zr = sigmoid(zx[t, :2 * H] + zh[:2 * H])
                n = np.tanh(zx[t, 2 * H:] + zr[H:] * zh[2 * H:])
                z = zr[:H]
                h = (1.0 - z) * n + z * h
                out[t] = h
        return out, h, c


def measure(fn, rounds, min_seconds, warm=True):
    """Per-call (cpu, wall) seconds of `rounds` measurements, each repeating fn for min_seconds of CPU time."""
    if warm:
        fn()
    cpu_samples, wall_samples = [], []
    for _ in range(rounds):
        reps = 0
        c0, w0 = time.process_time(), time.perf_counter()
        while True:
            fn()
            reps += 1
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            if (cpu >= min_seconds or wall >= 6 * min_seconds) and reps >= 3:
                break
        cpu_samples.append(cpu / reps)
        wall_samples.append(wall / reps)
    return cpu_samples, wall_samples


def prepare(case):
    """(function timed, calls per run, output of one run) for a manifest case."""
    cell = Cell(case)
    zeros = np.zeros(case["H"])
    if case["streaming"]:
        def stream():
            h, c = zeros, zeros
            outs = []
            for t in range(cell.x.shape[0]):
                y, h, c = cell.run(cell.x[t:t + 1], h, c)
                outs.append(y)
            return np.concatenate(outs)
        return stream, cell.x.shape[0], stream()
    return (lambda: cell.run(cell.x, zeros, zeros)), 1, cell.run(cell.x, zeros, zeros)[0]


def main():
    manifest = json.load(open(sys.argv[-1]))
    if "--serve" in sys.argv:
        prepared = {}
        for line in sys.stdin:
            op, k = line.split()
            case = manifest["cases"][int(k)]
            if op == "setup":
                prepared[k] = prepare(case)
                prepared[k][2].astype("<f8").tofile(case["out"])
                answer = {"case": case["name"]}
            else:
                fn, per_call, _ = prepared[k]
                cpu, wall = measure(fn, 1, manifest["minSeconds"], warm=False)
                answer = {"cpuMs": cpu[0] * 1e3 / per_call, "wallMs": wall[0] * 1e3 / per_call}
            print(json.dumps(answer), flush=True)
        return
    for case in manifest["cases"]:
        fn, per_call, result = prepare(case)
        cpu, wall = measure(fn, manifest["rounds"], manifest["minSeconds"])
        result.astype("<f8").tofile(case["out"])
        print(json.dumps({
            "case": case["name"],
            "cpuMs": [s * 1e3 / per_call for s in cpu],
            "wallMs": [s * 1e3 / per_call for s in wall],
        }), flush=True)


if __name__ == "__main__":
    main()
