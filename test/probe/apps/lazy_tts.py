"""Seed 004's shape: a light Flask app that runs a memory-hungry subprocess per request (POST /speak).
Its memory only shows when a request comes in."""
import os
import subprocess
import sys

from flask import Flask

app = Flask(__name__)
SYNTH = "import time; b = bytearray(150 * 1024 * 1024); time.sleep(0.5)"


@app.get("/health")
def health():
    return "ok"


@app.post("/speak")
def speak():
    subprocess.run([sys.executable, "-c", SYNTH], check=True)
    return {"audio": "ok"}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
