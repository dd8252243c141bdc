"""A worker that loads its weights from model.pt the usual way (build the module, load the state dict)."""
import os
import time

import torch

from net import WIDTH, Net

MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.pt")
model = Net()
model.load_state_dict(torch.load(MODEL_PATH, map_location="cpu"))
model.eval()
with torch.no_grad():
    out = model(torch.ones(4, WIDTH))
print(f"output {tuple(out.shape)}")
print("ready", flush=True)
while True:
    time.sleep(3600)
