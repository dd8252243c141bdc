from fastapi.testclient import TestClient

from src.api.main import app

client = TestClient(app)


def test_health_is_up_even_without_database():
    resp = client.get("/api/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "healthy"
    assert body["database"] in {"connected", "disconnected"}


def test_notes_require_a_supabase_token():
    assert client.get("/api/notes").status_code == 401


def test_encryption_round_trip(monkeypatch):
    from cryptography.fernet import Fernet

    from config.settings import settings
    from src.services import encryption

    monkeypatch.setattr(settings, "encryption_key", Fernet.generate_key().decode())
    encryption._fernet.cache_clear()
    assert encryption.decrypt(encryption.encrypt("notion-token")) == "notion-token"
    encryption._fernet.cache_clear()
