from datetime import datetime

from app.extensions import db
from app.services.matching import rank


class ReferenceModel(db.Model):
    __tablename__ = "reference_models"

    id = db.Column(db.Integer, primary_key=True)
    dataset_name = db.Column(db.String(100), unique=True, nullable=False, index=True)
    feature_columns = db.Column(db.JSON, nullable=False)
    target_column = db.Column(db.String(100))
    metrics = db.Column(db.JSON, default=dict)  # auc, f1, precision, recall
    n_rows = db.Column(db.Integer)
    framework = db.Column(db.String(50), default="xgboost")
    storage_type = db.Column(db.String(20), default="local")  # local | s3
    s3_path = db.Column(db.String(500))
    usage_count = db.Column(db.Integer, default=0, nullable=False)
    last_used = db.Column(db.DateTime)
    is_active = db.Column(db.Boolean, default=True, nullable=False)
    created_at = db.Column(db.DateTime, default=datetime.utcnow)

    @classmethod
    def find_best_match(cls, columns, top_k=3):
        """Top-k active models by Jaccard similarity between their training columns and `columns`."""
        models = cls.query.filter_by(is_active=True).all()
        entries = [
            (m.dataset_name, m.feature_columns, (m.metrics or {}).get("auc", 0.5), m.storage_type)
            for m in models
        ]
        return rank(columns, entries, top_k=top_k)

    def mark_used(self):
        self.usage_count = (self.usage_count or 0) + 1
        self.last_used = datetime.utcnow()

    def to_dict(self):
        return {
            "dataset_name": self.dataset_name,
            "feature_columns": self.feature_columns,
            "metrics": self.metrics,
            "storage_type": self.storage_type,
            "s3_path": self.s3_path,
            "usage_count": self.usage_count,
            "last_used": self.last_used.isoformat() if self.last_used else None,
        }
