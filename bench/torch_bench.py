# SPDX-License-Identifier: Apache-2.0
"""PyTorch side of MedGo's benchmark: the same seed CNN, LSTM and GRU as bench/harness.go.

Run by `go run ./bench`, which passes the sizes as one JSON argument and reads one JSON line
back from stdout. Timings are per step, after warm-up steps, and summarized by their median.
"""

import json
import statistics
import sys
import time

try:
    import torch
    from torch import nn
except ImportError as e:  # Reported as "PyTorch: not available" by the Go side.
    print(json.dumps({"import_error": str(e)}))
    sys.exit(0)


def measure(warm, steps, step):
    for i in range(warm):
        step(i)
    times = []
    for i in range(steps):
        t = time.perf_counter()
        step(warm + i)
        times.append(time.perf_counter() - t)
    return {"median_s": statistics.median(times), "mean_s": statistics.fmean(times), "min_s": min(times)}


def seed_cnn(classes):
    """Conv(32, 3x3, ReLU), MaxPool(2), Conv(64, 3x3, ReLU), MaxPool(2), Flatten,
    Dense(128, ReLU), Dropout(0.5), Dense(classes): 225,034 parameters for 10 classes."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, classes),
    )


def bench_cnn(cfg):
    n = max(cfg["eval_n"], cfg["batch"] * 8)
    g = torch.Generator().manual_seed(1)
    x_all = torch.rand(n, 1, 28, 28, generator=g)
    y_all = torch.randint(0, 10, (n,), generator=g)
    model = seed_cnn(10)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    perm = torch.randperm(n, generator=g)
    b = cfg["batch"]
    batches = n // b

    def train_step(i):
        idx = perm[(i % batches) * b:(i % batches + 1) * b]
        x, y = x_all[idx], y_all[idx]
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    model.train()
    train = measure(cfg["warmup"], cfg["steps"], train_step)
    model.eval()
    eb = cfg["eval_batch"]
    nb = max(1, min(cfg["eval_n"], n) // eb)

    def eval_step(i):
        with torch.no_grad():
            return torch.softmax(model(x_all[(i % nb) * eb:(i % nb + 1) * eb]), dim=1)

    ev = measure(1, nb, eval_step)
    return {"train": train, "train_per_sec": b / train["median_s"],
            "eval": ev, "eval_per_sec": eb / ev["median_s"]}


class Recurrent(nn.Module):
    """Token embedding, one LSTM or GRU layer, the last state, a dense output layer."""

    def __init__(self, cell, vocab, embed, hidden, classes):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(embed, hidden, batch_first=True)
        self.out = nn.Linear(hidden, classes)

    def forward(self, x):
        y, _ = self.rnn(self.embed(x))
        return self.out(y[:, -1])


def bench_rnn(cell, cfg):
    """Times every length in interleaved rounds, as the Go side does."""
    steps = []
    for length in cfg["lengths"]:
        g = torch.Generator().manual_seed(length)
        x = torch.randint(2, cfg["vocab"], (cfg["batch"], length), generator=g)
        y = torch.randint(0, cfg["classes"], (cfg["batch"],), generator=g)
        model = Recurrent(cell, cfg["vocab"], cfg["embed"], cfg["hidden"], cfg["classes"])
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step(model=model, opt=opt, x=x, y=y):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()

        for _ in range(cfg["warmup"]):
            step()
        steps.append(step)
    times = [[] for _ in steps]
    for _ in range(cfg["steps"]):
        for k, step in enumerate(steps):
            t = time.perf_counter()
            step()
            times[k].append(time.perf_counter() - t)
    return [{"length": length, "median_s": statistics.median(ts), "mean_s": statistics.fmean(ts), "min_s": min(ts)}
            for length, ts in zip(cfg["lengths"], times)]


def main():
    cfg = json.loads(sys.argv[1])
    torch.manual_seed(1)
    torch.set_num_threads(cfg["threads"])
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    if "cnn" in cfg:
        out["cnn"] = bench_cnn(cfg["cnn"])
    if "rnn" in cfg:
        out["lstm"] = bench_rnn("lstm", cfg["rnn"])
        out["gru"] = bench_rnn("gru", cfg["rnn"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
