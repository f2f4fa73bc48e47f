"""The Python way of running a pasted Keras LSTM, for scripts/bench/text-pipeline.mjs: exec the pasted file (NumPy
literals) in python3, then a NumPy float64 forward pass over its `x` (Keras i, f, c, o gate order; sigmoid/tanh).
Prints one JSON line: wall and CPU time of exec + forward pass (interpreter start-up excluded, reported apart), peak
RSS of the process, and the final h for the caller to check against gate-lens run.
Usage: python3 python_paste_run.py FILE"""
import json
import resource
import sys
import time

t_start = time.perf_counter()
import numpy as np  # noqa: E402  (timed as part of start-up: the paste imports it too)

startup_ms = (time.perf_counter() - t_start) * 1000.0


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def main(path):
    w0 = time.perf_counter()
    c0 = time.process_time()
    with open(path, encoding='utf-8') as f:
        source = f.read()
    scope = {}
    exec(compile(source, path, 'exec'), scope)
    kernel, recurrent, bias, x = (np.asarray(scope[k], dtype=np.float64) for k in ('kernel', 'recurrent_kernel', 'bias', 'x'))
    H = recurrent.shape[0]
    h = np.zeros(H)
    c = np.zeros(H)
    zx = x @ kernel + bias
    outputs = np.empty((x.shape[0], H))
    for t in range(x.shape[0]):
        z = zx[t] + h @ recurrent
        i = sigmoid(z[:H])
        f = sigmoid(z[H:2 * H])
        g = np.tanh(z[2 * H:3 * H])
        o = sigmoid(z[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        outputs[t] = h
    wall = (time.perf_counter() - w0) * 1000.0
    cpu = (time.process_time() - c0) * 1000.0
    print(json.dumps({'wallMs': wall, 'cpuMs': cpu, 'startupMs': startup_ms, 'maxRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 'h': h.tolist()}))


main(sys.argv[1])
