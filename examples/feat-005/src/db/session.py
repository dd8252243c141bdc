from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from config.settings import settings


def _normalise(url: str) -> str:
    # Railway's Postgres plugin hands out postgres://, which SQLAlchemy 2 rejects.
    return url.replace("postgres://", "postgresql+psycopg2://", 1) if url.startswith("postgres://") else url


engine = create_engine(_normalise(settings.database_url), pool_pre_ping=True, pool_size=5, max_overflow=5)
SessionLocal = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


def get_session():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()
