"""A worker that does nothing but wait: the interpreter's own footprint."""
import time

print("ready", flush=True)
while True:
    time.sleep(3600)
