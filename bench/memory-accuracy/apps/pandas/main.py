"""A worker that summarises a small sales table with pandas, then waits."""
import time

import numpy as np
import pandas as pd

rng = np.random.default_rng(0)
sales = pd.DataFrame(
    {
        "region": rng.choice(["north", "south", "east", "west"], size=2000),
        "units": rng.integers(1, 20, size=2000),
        "price": rng.uniform(1.0, 50.0, size=2000).round(2),
    }
)
sales["revenue"] = sales["units"] * sales["price"]
summary = sales.groupby("region")["revenue"].agg(["count", "sum", "mean"])
print(summary.to_string())
print("ready", flush=True)
while True:
    time.sleep(3600)
