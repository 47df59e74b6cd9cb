"""PyTorch CPU side of the onnx step benchmark: the same MLP training step (N=4096, D=64, H=128, C=10,
Adam, cross-entropy, 2 threads), timed as median milliseconds over `repetitions` steps after warm-ups.
Prints one JSON line. Run by onnx-step.bench.ts when `import torch` works (Debian's python3-torch)."""
import json
import sys
import time

import torch

repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 30
torch.set_num_threads(2)
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


for _ in range(5):
    step()
times = []
for _ in range(repetitions):
    start = time.perf_counter()
    step()
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(json.dumps({"torch": torch.__version__, "median_ms": times[len(times) // 2]}))
