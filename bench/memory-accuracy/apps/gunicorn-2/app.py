"""A Flask API that serves a small torch classifier."""
import os

import torch
from flask import Flask, jsonify, request

torch.manual_seed(0)
model = torch.nn.Linear(128, 10)
model.eval()

app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/")
def predict():
    seed = int(request.args.get("seed", "0"))
    x = torch.randn(1, 128, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        label = int(model(x).argmax())
    return jsonify(label=label)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
