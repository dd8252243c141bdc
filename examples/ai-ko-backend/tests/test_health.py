import os
import sys
import types

os.environ.setdefault("REDIS_URL", "redis://localhost:6379/0")
os.environ.setdefault("SECRET_KEY", "test-secret")
os.environ.setdefault("JWT_SECRET_KEY", "test-jwt-secret")

# Keep the test from downloading DistilBERT: the chat blueprint imports this module at start.
sys.modules.setdefault(
    "app.services.local_nlp",
    types.SimpleNamespace(classify_sentiment=lambda text: {"label": "POSITIVE", "score": 1.0}),
)

import pytest  # noqa: E402

from app import create_app  # noqa: E402
from app.config import Config  # noqa: E402


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite:///:memory:"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    REDIS_URL = None


@pytest.fixture()
def client(tmp_path):
    TestConfig.UPLOAD_FOLDER = str(tmp_path / "uploads")
    app = create_app(TestConfig)
    with app.test_client() as client:
        yield client


def test_health_returns_ok(client):
    resp = client.get("/api/health")
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "ok"


def test_documents_require_a_token(client):
    assert client.get("/api/documents").status_code == 401
