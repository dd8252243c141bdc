"""A Flask app that imports torch and builds a small model at start, listening on $PORT. On SIGTERM
(the probe stopping it) it writes the kernel's peak RSS of this process (VmHWM, kB) to $REPORT."""
import os
import signal
import sys

import torch
from flask import Flask

model = torch.nn.Sequential(torch.nn.Linear(1024, 4096), torch.nn.ReLU(), torch.nn.Linear(4096, 1024))
app = Flask(__name__)


@app.get("/health")
def health():
    return "ok"


def report_and_exit(*_):
    with open("/proc/self/status") as f:
        hwm = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    with open(os.environ["REPORT"], "w") as f:
        f.write(f"{hwm}\n")
    sys.exit(0)


signal.signal(signal.SIGTERM, report_and_exit)

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
