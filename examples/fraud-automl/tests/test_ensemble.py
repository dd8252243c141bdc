import os

import pandas as pd

from app.services.ensemble import predict_ensemble
from app.services.matching import jaccard, rank
from app.services.model_storage import ModelStorageService

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SAMPLE = os.path.join(ROOT, "data", "samples", "unlabeled_transactions.csv")


def test_jaccard_ignores_case_and_separators():
    assert jaccard(["TX Amount", "hour"], ["tx_amount", "hour", "country"]) == 2 / 3


def test_sample_matches_dataset16_and_predicts(tmp_path):
    storage = ModelStorageService(cache_dir=str(tmp_path / "cache"))
    df = pd.read_csv(SAMPLE)
    candidates = rank(list(df.columns), storage.local_catalog(), top_k=3)
    assert candidates[0].dataset_name == "dataset16"

    result, stats = predict_ensemble(df, candidates, storage)
    assert stats["total_transactions"] == len(df) == 300
    assert result["fraud_probability"].between(0, 1).all()
    assert stats["high_risk"] + stats["medium_risk"] + stats["low_risk"] == 300
