"""PyTorch CPU side of the fine-tuning benchmark: one LeNet-5 training step (batch 64, 1x28x28,
conv 6@5x5 pad 2, max-pool, conv 16@5x5, max-pool, 120, 84, 10; ReLU; Adam; cross-entropy) with
the thread count given, timed over `repetitions` steps after `warmup` steps.
  python3 torch-lenet-step.py <repetitions> <warmup> <threads>
Prints one JSON line {timesMs, details} (the harness's SideOutput). Run by onnx-finetune.bench.ts when
`import torch` works (Debian's python3-torch)."""
import json
import sys
import time

import torch
from torch import nn

repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 30
warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 5
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
x = torch.rand(64, 1, 28, 28)
y = torch.arange(64) % 10
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_function = nn.CrossEntropyLoss()


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
