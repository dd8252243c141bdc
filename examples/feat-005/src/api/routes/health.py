from fastapi import APIRouter
from sqlalchemy import text

from src.db.session import engine

router = APIRouter(tags=["health"])


@router.get("/health")
def health():
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = "connected"
    except Exception:
        database = "disconnected"
    return {"status": "healthy", "database": database, "version": "0.5.0"}
