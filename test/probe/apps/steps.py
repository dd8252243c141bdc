"""Allocates 6 blocks of 50 MB, 0.2 s apart, then writes the kernel's own peak RSS (ru_maxrss, kB) to $REPORT."""
import os
import resource
import time

blocks = []
for _ in range(6):
    blocks.append(bytearray(50 * 1024 * 1024))
    time.sleep(0.2)
with open(os.environ["REPORT"], "w") as f:
    f.write(f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\n")
