from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8")

    secret_key: str
    algorithm: str = "HS256"
    access_token_expire_minutes: int = 60 * 24

    openai_api_key: str
    openai_model: str = "gpt-4o-mini"

    frontend_origin: str = "http://localhost:3000"
    max_upload_mb: int = 10


@lru_cache
def get_settings() -> Settings:
    return Settings()
