"""A worker that loads the committed XGBoost model with joblib and scores a batch."""
import os
import time

import joblib
import numpy as np

MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.joblib")
model = joblib.load(MODEL_PATH)
batch = np.random.default_rng(1).standard_normal((100, 12))
print(f"positive rate {model.predict(batch).mean():.2f}")
print("ready", flush=True)
while True:
    time.sleep(3600)
