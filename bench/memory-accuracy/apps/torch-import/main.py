"""A worker that imports torch and runs one tiny op: the cost of the import alone."""
import time

import torch

x = torch.arange(12, dtype=torch.float32).reshape(3, 4)
print(f"sum {float(x.sum())}")
print("ready", flush=True)
while True:
    time.sleep(3600)
