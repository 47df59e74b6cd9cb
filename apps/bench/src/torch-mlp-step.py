"""PyTorch CPU side of the onnx step benchmark: the same MLP training step (N=4096, D=64, H=128, C=10,
Adam, cross-entropy), timed per step after warm-ups.
Usage: torch-mlp-step.py [repetitions=30] [warmup=5] [threads=2]
Prints one JSON line {"timesMs": [...], "details": {...}} (the harness's SideOutput). Run by
onnx-step.bench.ts when `import torch` works (Debian's python3-torch)."""
import json
import sys
import time

import torch

repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 30
warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 5
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
x = torch.rand(4096, 64) * 2 - 1
y = torch.arange(4096) % 10
model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_function = torch.nn.CrossEntropyLoss()


def step():
    optimizer.zero_grad()
    loss = loss_function(model(x), y)
    loss.backward()
    optimizer.step()


for _ in range(warmup):
    step()
times = []
for _ in range(repetitions):
    start = time.perf_counter()
    step()
    times.append((time.perf_counter() - start) * 1000)
details = {"torch": torch.__version__, "threads": torch.get_num_threads(), "python": sys.version.split()[0]}
print(json.dumps({"timesMs": times, "details": details}))
