import logging

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from config.settings import settings
from src.api.routes import health, integrations, notes
from src.db.session import Base, engine

logging.basicConfig(level=settings.log_level)
log = logging.getLogger("feat005")

app = FastAPI(title="Meeting notes API", version="0.5.0")

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origin_list,
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

app.include_router(health.router, prefix="/api")
app.include_router(notes.router, prefix="/api")
app.include_router(integrations.router, prefix="/api")


@app.on_event("startup")
def create_tables() -> None:
    try:
        Base.metadata.create_all(bind=engine)
    except Exception:
        # Let the health check report the database instead of crashing the container.
        log.exception("could not create tables")
