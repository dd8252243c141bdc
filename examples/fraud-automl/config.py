import os

BASE_DIR = os.path.abspath(os.path.dirname(__file__))


def _database_url():
    url = os.environ.get("DATABASE_URL", "sqlite:///" + os.path.join(BASE_DIR, "fraud_automl.db"))
    if url.startswith("postgres://"):
        url = url.replace("postgres://", "postgresql://", 1)
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    FLASK_ENV = os.environ.get("FLASK_ENV", "production")

    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", os.path.join(BASE_DIR, "uploads"))
    PREDICTIONS_FOLDER = os.path.join(UPLOAD_FOLDER, "predictions")
    MAX_CONTENT_LENGTH = 200 * 1024 * 1024

    MODELS_DIR = os.environ.get("MODELS_DIR", os.path.join(BASE_DIR, "data", "automl_models"))
    S3_MODEL_BUCKET = os.environ.get("S3_MODEL_BUCKET")
    MODEL_CACHE_DIR = os.environ.get("MODEL_CACHE_DIR", "/tmp/model_cache")
    ENSEMBLE_TOP_K = int(os.environ.get("ENSEMBLE_TOP_K", 3))

    API_TOKEN = os.environ.get("API_TOKEN")
