"""A pre-forking server: the parent holds 40 MB, forks 2 workers that each allocate 80 MB of their own.
Writes to $REPORT the kernel's peak RSS of the parent and of the children (RUSAGE_CHILDREN is the largest child)."""
import os
import resource
import time

parent = bytearray(40 * 1024 * 1024)
pids = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        own = bytearray(80 * 1024 * 1024)
        time.sleep(1.0)
        os._exit(0)
    pids.append(pid)
for pid in pids:
    os.waitpid(pid, 0)
with open(os.environ["REPORT"], "w") as f:
    f.write(f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")
