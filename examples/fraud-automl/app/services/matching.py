from dataclasses import dataclass, field


@dataclass
class Candidate:
    dataset_name: str
    feature_columns: list
    similarity: float
    auc: float = 0.5
    storage_type: str = "local"
    extra: dict = field(default_factory=dict)


def normalise(column):
    return str(column).strip().lower().replace(" ", "_").replace("-", "_")


def jaccard(a, b):
    a, b = {normalise(c) for c in a}, {normalise(c) for c in b}
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def rank(columns, entries, top_k=3, min_similarity=0.05):
    """entries: (dataset_name, feature_columns, auc, storage_type) tuples; best first."""
    scored = [
        Candidate(name, cols, jaccard(columns, cols), auc, storage)
        for name, cols, auc, storage in entries
    ]
    scored = [c for c in scored if c.similarity >= min_similarity]
    scored.sort(key=lambda c: (c.similarity, c.auc), reverse=True)
    return scored[:top_k]
