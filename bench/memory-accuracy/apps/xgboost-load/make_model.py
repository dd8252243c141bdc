"""Trains the small fraud-style classifier shipped as model.joblib (run once; the file is committed)."""
import joblib
import numpy as np
from xgboost import XGBClassifier

rng = np.random.default_rng(0)
X = rng.standard_normal((2000, 12))
y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] + 0.3 * rng.standard_normal(2000) > 0).astype(int)
model = XGBClassifier(n_estimators=30, max_depth=3, learning_rate=0.3, n_jobs=1, random_state=0)
model.fit(X, y)
joblib.dump(model, "model.joblib")
print("wrote model.joblib")
