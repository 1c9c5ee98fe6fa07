#!/usr/bin/python3
"""Makes examples/base-models/tabular-base.pt, the TorchScript base model of the tabular recipe's examples.

A small MLP backbone (4 inputs -> 32 -> 16, ReLU) pretrained, seeded, on a synthetic sensor task shaped
like examples/data/machine-health.csv (temperature, vibration, pressure, humidity; 3 machine states),
then saved without its pretraining head with torch.jit.script + save. The recipe feeds it standardized
features and trains it further together with a new Linear head (DJL, trainParam).

Made with Debian's python3-torch 1.13 (/usr/bin/python3 examples/base-models/make-tabular-base.py);
DJL's libtorch 2.7.1 loads and trains the file.
"""
import os

import torch
from torch import nn

SEED = 7
ROWS = 6000
INPUTS = 4

torch.manual_seed(SEED)


def sensors(rows):
    """Standardized sensor readings and a machine state (0 normal, 1 overheating, 2 bearing wear)."""
    state = torch.randint(0, 3, (rows,))
    x = torch.randn(rows, INPUTS)
    # overheating: hot and dry; bearing wear: shaking at lower pressure
    x[state == 1, 0] += 2.0
    x[state == 1, 3] -= 1.0
    x[state == 2, 1] += 2.0
    x[state == 2, 2] -= 1.0
    return x, state


backbone = nn.Sequential(nn.Linear(INPUTS, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
pretraining = nn.Sequential(backbone, nn.Linear(16, 3))
optimizer = torch.optim.Adam(pretraining.parameters(), lr=0.01)
x, y = sensors(ROWS)
for epoch in range(30):
    for batch in torch.randperm(ROWS).split(128):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(pretraining(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
test_x, test_y = sensors(1000)
with torch.no_grad():
    accuracy = (pretraining(test_x).argmax(1) == test_y).float().mean().item()
print(f"pretraining accuracy on fresh rows: {accuracy:.3f}")

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tabular-base.pt")
# Only the backbone: its 16 outputs are what a job's new head classifies
torch.jit.script(backbone.eval()).save(out)
print(f"wrote {out} ({os.path.getsize(out)} bytes)")
