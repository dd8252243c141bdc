"""A Flask API serving a 48 MiB torch model; each gunicorn worker loads its own copy."""
import os

import torch
from flask import Flask, jsonify, request

from net import WIDTH, Net

MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.pt")
model = Net()
model.load_state_dict(torch.load(MODEL_PATH, map_location="cpu"))
model.eval()

app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/")
def predict():
    seed = int(request.args.get("seed", "0"))
    x = torch.randn(1, WIDTH, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        top = int(model(x).argmax())
    return jsonify(top=top)
