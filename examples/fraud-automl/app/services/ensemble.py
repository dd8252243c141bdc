import logging

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest

log = logging.getLogger(__name__)

HIGH_RISK = 0.7
MEDIUM_RISK = 0.3


def align_columns(df, metadata):
    """Gives the frame exactly the model's training columns; missing ones are left for the imputer."""
    lookup = {c.strip().lower(): c for c in df.columns}
    out = pd.DataFrame(index=df.index)
    for col in metadata["numeric_columns"]:
        src = lookup.get(col.lower())
        out[col] = pd.to_numeric(df[src], errors="coerce") if src else np.nan
    for col in metadata["categorical_columns"]:
        src = lookup.get(col.lower())
        out[col] = df[src].astype(str) if src else "missing"
    return out[metadata["feature_columns"]]


def calibrate(proba, scale_pos_weight):
    # Models were trained with positive-class reweighting; undo it so probabilities mean something.
    return proba / (proba + (1.0 - proba) * scale_pos_weight)


def detect_anomalies(df, seed=0):
    numeric = df.select_dtypes(include="number")
    if numeric.shape[1] == 0 or len(numeric) < 20:
        return np.zeros(len(df), dtype=bool)
    numeric = numeric.fillna(numeric.median())
    forest = IsolationForest(n_estimators=100, contamination=0.005, random_state=seed)
    return forest.fit_predict(numeric.to_numpy()) == -1


def predict_ensemble(df, candidates, storage):
    """Weighted average (similarity × AUC) of the candidates' calibrated fraud probabilities."""
    if not candidates:
        raise ValueError("no reference model matches these columns")
    log.info("🤖 Applying ensemble predictions (top %d models)...", len(candidates))
    log.info("  Top-%d models: %s", len(candidates), ", ".join(c.dataset_name for c in candidates))

    weights, probas = [], []
    for cand in candidates:
        bundle = storage.load(cand.dataset_name, cand.storage_type)
        features = bundle.feature_engineer.transform(align_columns(df, bundle.metadata))
        proba = bundle.model.predict_proba(features)[:, 1]
        probas.append(calibrate(proba, bundle.metadata.get("scale_pos_weight", 1.0)))
        weights.append(max(cand.similarity, 1e-6) * cand.auc)

    weights = np.asarray(weights) / np.sum(weights)
    score = np.average(np.vstack(probas), axis=0, weights=weights)
    anomalies = detect_anomalies(df)

    risk = np.where(score >= HIGH_RISK, "high", np.where(score >= MEDIUM_RISK, "medium", "low"))
    risk = np.where(anomalies & (risk == "low"), "medium", risk)

    result = df.copy()
    result["fraud_probability"] = np.round(score, 4)
    result["risk_level"] = risk
    result["is_anomaly"] = anomalies
    stats = {
        "total_transactions": int(len(result)),
        "high_risk": int((risk == "high").sum()),
        "medium_risk": int((risk == "medium").sum()),
        "low_risk": int((risk == "low").sum()),
        "anomalies_detected": int(anomalies.sum()),
    }
    log.info("  ✅ Predictions complete (%d transactions)", len(result))
    return result, stats
