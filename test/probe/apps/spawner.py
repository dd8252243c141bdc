"""Like seed 004's app running `python -m kokoro`: a small parent spawns a memory-hungry subprocess."""
import os
import resource
import subprocess
import sys

CHILD = "import time; b = bytearray(200 * 1024 * 1024); time.sleep(1.0)"
subprocess.run([sys.executable, "-c", CHILD], check=True)
with open(os.environ["REPORT"], "w") as f:
    f.write(f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")
