import json
import logging
import os
import shutil
import threading

import joblib

log = logging.getLogger(__name__)

PROJECT_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODEL_FILES = ("xgboost_model.joblib", "feature_engineer.joblib", "metadata.json")
S3_PREFIX = "automl_models"


class ModelBundle:
    def __init__(self, name, model, feature_engineer, metadata):
        self.name = name
        self.model = model
        self.feature_engineer = feature_engineer
        self.metadata = metadata


class ModelStorageService:
    """Loads reference models from the local folder or from S3 through a /tmp cache."""

    def __init__(self, local_dir=None, bucket=None, cache_dir="/tmp/model_cache", max_in_memory=6):
        self.local_dir = local_dir or os.path.join(PROJECT_ROOT, "data", "automl_models")
        self.bucket = bucket
        self.cache_dir = cache_dir
        self.max_in_memory = max_in_memory
        self._loaded = {}
        self._lock = threading.Lock()
        self._s3_client = None

    # -- S3 ---------------------------------------------------------------
    def _s3(self):
        if self._s3_client is None:
            # Only production needs boto3; local development never imports it.
            import boto3

            self._s3_client = boto3.client("s3", region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
        return self._s3_client

    def s3_path(self, dataset):
        return f"s3://{self.bucket}/{S3_PREFIX}/{dataset}/"

    def _download(self, dataset):
        target = os.path.join(self.cache_dir, dataset)
        if all(os.path.exists(os.path.join(target, f)) for f in MODEL_FILES):
            log.info("  ✓ Using cached version: %s", target)
            return self.cache_dir
        log.info("  Loading from S3: %s", self.s3_path(dataset))
        os.makedirs(target, exist_ok=True)
        for filename in MODEL_FILES:
            self._s3().download_file(self.bucket, f"{S3_PREFIX}/{dataset}/{filename}", os.path.join(target, filename))
        return self.cache_dir

    # -- loading ----------------------------------------------------------
    def _base_for(self, dataset, storage_type):
        if storage_type == "s3" and self.bucket:
            return self._download(dataset)
        return self.local_dir

    def load(self, dataset, storage_type="local"):
        with self._lock:
            if dataset in self._loaded:
                return self._loaded[dataset]
        log.info("📦 ModelStorageService: Loading model %s (storage: %s)", dataset, storage_type)
        base = self._base_for(dataset, storage_type)
        model = joblib.load(os.path.join(base, dataset, "xgboost_model.joblib"))
        feature_engineer = joblib.load(os.path.join(base, dataset, "feature_engineer.joblib"))
        with open(os.path.join(base, dataset, "metadata.json")) as fh:
            metadata = json.load(fh)
        bundle = ModelBundle(dataset, model, feature_engineer, metadata)
        with self._lock:
            if len(self._loaded) >= self.max_in_memory:
                self._loaded.pop(next(iter(self._loaded)))
            self._loaded[dataset] = bundle
        log.info("  ✓ Model loaded")
        return bundle

    def local_catalog(self):
        """(name, feature_columns, auc, 'local') for every model folder on disk."""
        entries = []
        if not os.path.isdir(self.local_dir):
            return entries
        for name in sorted(os.listdir(self.local_dir)):
            meta_path = os.path.join(self.local_dir, name, "metadata.json")
            if os.path.exists(meta_path):
                with open(meta_path) as fh:
                    meta = json.load(fh)
                entries.append((name, meta["feature_columns"], meta["metrics"].get("auc", 0.5), "local"))
        return entries

    def clear_cache(self, dataset=None):
        with self._lock:
            if dataset:
                self._loaded.pop(dataset, None)
                shutil.rmtree(os.path.join(self.cache_dir, dataset), ignore_errors=True)
            else:
                self._loaded.clear()
                shutil.rmtree(self.cache_dir, ignore_errors=True)


_service = None


def init_storage_service(**kwargs):
    global _service
    _service = ModelStorageService(**kwargs)
    return _service


def get_storage_service():
    global _service
    if _service is None:
        _service = ModelStorageService(
            bucket=os.environ.get("S3_MODEL_BUCKET"),
            cache_dir=os.environ.get("MODEL_CACHE_DIR", "/tmp/model_cache"),
        )
    return _service
