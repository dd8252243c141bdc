"""Builds the 40 small reference models under data/automl_models/ (deterministic: fixed seeds).

Each dataset gets its own mix of transaction columns, synthetic fraud labels drawn from a known
risk formula, a fitted feature engineer (ColumnTransformer) and a small XGBoost classifier.
Run with the interpreter whose xgboost/scikit-learn versions the app will use:

    python scripts/make_models.py
"""

import json
import os
import shutil

import joblib
import numpy as np
import pandas as pd
import sklearn
import xgboost
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT_DIR = os.path.join(ROOT, "data", "automl_models")
SAMPLE_CSV = os.path.join(ROOT, "data", "samples", "unlabeled_transactions.csv")
N_DATASETS = 40

CATEGORIES = {
    "merchant_category": ["grocery", "electronics", "travel", "gaming", "fuel", "fashion", "crypto"],
    "channel": ["web", "mobile", "pos", "atm"],
    "device_type": ["ios", "android", "desktop", "unknown"],
    "country": ["FR", "DE", "ES", "GB", "US", "BR", "NG", "CN"],
}
RISKY = {"merchant_category": {"crypto", "gaming", "electronics"}, "channel": {"web"},
         "device_type": {"unknown"}, "country": {"NG", "BR", "CN"}}

# name -> (generator, contribution of the standardised column to the fraud logit)
NUMERIC = {
    "hour": (lambda r, n: r.integers(0, 24, n), lambda v: 0.8 * ((v < 6) | (v > 22))),
    "day_of_week": (lambda r, n: r.integers(0, 7, n), lambda v: 0.1 * (v >= 5)),
    "country_risk": (lambda r, n: r.beta(2, 5, n), lambda v: 2.5 * v),
    "distance_from_home": (lambda r, n: r.exponential(25, n), lambda v: 0.02 * v),
    "distance_from_last_tx": (lambda r, n: r.exponential(10, n), lambda v: 0.03 * v),
    "ratio_to_median_amount": (lambda r, n: r.lognormal(0, 0.7, n), lambda v: 0.6 * v),
    "customer_age": (lambda r, n: r.integers(18, 90, n), lambda v: 0.01 * (v > 70) * 40),
    "account_age_days": (lambda r, n: r.integers(1, 3650, n), lambda v: 1.2 * (v < 30)),
    "num_tx_last_24h": (lambda r, n: r.poisson(3, n), lambda v: 0.25 * v),
    "velocity_1h": (lambda r, n: r.poisson(1, n), lambda v: 0.5 * v),
    "ip_risk_score": (lambda r, n: r.uniform(0, 1, n), lambda v: 2.0 * v),
    "email_domain_risk": (lambda r, n: r.uniform(0, 1, n), lambda v: 1.2 * v),
    "failed_logins_24h": (lambda r, n: r.poisson(0.3, n), lambda v: 0.8 * v),
    "avg_amount_30d": (lambda r, n: r.lognormal(3.5, 0.8, n), lambda v: 0.0 * v),
    "card_present": (lambda r, n: r.integers(0, 2, n), lambda v: -1.0 * v),
    "online_order": (lambda r, n: r.integers(0, 2, n), lambda v: 0.7 * v),
    "used_pin": (lambda r, n: r.integers(0, 2, n), lambda v: -0.9 * v),
    "used_chip": (lambda r, n: r.integers(0, 2, n), lambda v: -0.6 * v),
}
AMOUNT_NAMES = ["tx_amount", "amount", "transaction_amount"]
TARGET_NAMES = ["is_fraud", "is_fraud", "is_fraud", "fraud", "label", "Class"]


def make_frame(rng, numeric_cols, cat_cols, amount_col, n):
    data, logit = {}, np.full(n, -4.2)
    amounts = rng.lognormal(3.6, 1.1, n)
    data[amount_col] = np.round(amounts, 2)
    logit += 0.35 * np.log1p(amounts) - 1.2
    for col in numeric_cols:
        gen, effect = NUMERIC[col]
        values = gen(rng, n)
        data[col] = values
        logit += effect(values)
    for col in cat_cols:
        values = rng.choice(CATEGORIES[col], n)
        data[col] = values
        logit += 1.1 * np.isin(values, list(RISKY[col]))
    logit += rng.normal(0, 0.6, n)
    labels = (rng.uniform(0, 1, n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame(data)
    # Real exports have holes; the feature engineer must cope with them.
    holes = rng.uniform(0, 1, frame.shape) < 0.01
    for j, col in enumerate(numeric_cols, start=1):
        frame.loc[holes[:, j], col] = np.nan
    return frame, labels


def build_dataset(i):
    rng = np.random.default_rng(1000 + i)
    amount_col = AMOUNT_NAMES[int(rng.integers(0, len(AMOUNT_NAMES)))]
    numeric_cols = sorted(rng.choice(sorted(NUMERIC), size=int(rng.integers(4, 9)), replace=False).tolist())
    cat_cols = sorted(rng.choice(sorted(CATEGORIES), size=int(rng.integers(1, 3)), replace=False).tolist())
    target = TARGET_NAMES[int(rng.integers(0, len(TARGET_NAMES)))]
    n_rows = int(rng.integers(2000, 6001))

    frame, y = make_frame(rng, numeric_cols, cat_cols, amount_col, n_rows)
    num_all = [amount_col] + numeric_cols
    feature_columns = num_all + cat_cols

    feature_engineer = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), num_all),
        ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), cat_cols),
    ])
    X_train, X_test, y_train, y_test = train_test_split(
        frame[feature_columns], y, test_size=0.25, stratify=y, random_state=i)
    Xt_train = feature_engineer.fit_transform(X_train)
    Xt_test = feature_engineer.transform(X_test)

    pos = max(int(y_train.sum()), 1)
    scale_pos_weight = round((len(y_train) - pos) / pos, 4)
    model = xgboost.XGBClassifier(
        n_estimators=25, max_depth=3, learning_rate=0.3, subsample=0.9, colsample_bytree=0.9,
        scale_pos_weight=scale_pos_weight, tree_method="hist", n_jobs=1, random_state=i, eval_metric="auc")
    model.fit(Xt_train, y_train)

    proba = model.predict_proba(Xt_test)[:, 1]
    pred = (proba >= 0.5).astype(int)
    metrics = {
        "auc": round(float(roc_auc_score(y_test, proba)), 4),
        "f1": round(float(f1_score(y_test, pred, zero_division=0)), 4),
        "precision": round(float(precision_score(y_test, pred, zero_division=0)), 4),
        "recall": round(float(recall_score(y_test, pred, zero_division=0)), 4),
    }
    metadata = {
        "dataset_name": f"dataset{i}",
        "feature_columns": feature_columns,
        "numeric_columns": num_all,
        "categorical_columns": cat_cols,
        "target": target,
        "metrics": metrics,
        "framework": "xgboost",
        "framework_version": xgboost.__version__,
        "sklearn_version": sklearn.__version__,
        "n_rows": n_rows,
        "fraud_rate": round(float(y.mean()), 4),
        "scale_pos_weight": scale_pos_weight,
        "seed": 1000 + i,
    }
    return model, feature_engineer, metadata, frame


def write_sample(frame, metadata):
    sample = frame.head(300).copy()
    sample.insert(0, "transaction_id", [f"T{100000 + k}" for k in range(len(sample))])
    os.makedirs(os.path.dirname(SAMPLE_CSV), exist_ok=True)
    sample.to_csv(SAMPLE_CSV, index=False)
    print(f"sample: {SAMPLE_CSV} (columns of {metadata['dataset_name']}, no label)")


def main():
    for i in range(1, N_DATASETS + 1):
        model, feature_engineer, metadata, frame = build_dataset(i)
        out = os.path.join(OUT_DIR, f"dataset{i}")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        joblib.dump(model, os.path.join(out, "xgboost_model.joblib"))
        joblib.dump(feature_engineer, os.path.join(out, "feature_engineer.joblib"))
        with open(os.path.join(out, "metadata.json"), "w") as fh:
            json.dump(metadata, fh, indent=2)
            fh.write("\n")
        print(f"dataset{i}: {len(metadata['feature_columns'])} features, auc={metadata['metrics']['auc']}")
        if i == 16:
            write_sample(frame, metadata)


if __name__ == "__main__":
    main()
