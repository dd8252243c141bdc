"""Writes model.pt, the trained weights the app loads (48 MiB; kept out of git, rebuilt by the bench)."""
import torch

from net import Net

torch.manual_seed(0)
torch.save(Net().state_dict(), "model.pt")
print("wrote model.pt")
