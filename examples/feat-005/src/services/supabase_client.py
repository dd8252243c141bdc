from functools import lru_cache

from fastapi import Header, HTTPException
from supabase import Client, create_client

from config.settings import settings


@lru_cache(maxsize=1)
def get_supabase() -> Client:
    return create_client(settings.supabase_url, settings.supabase_anon_key)


def get_current_user_id(authorization: str = Header(default="")) -> str:
    """Validates the Supabase access token sent by the front end and returns the user id."""
    if not authorization.lower().startswith("bearer "):
        raise HTTPException(status_code=401, detail="missing bearer token")
    try:
        response = get_supabase().auth.get_user(authorization.split(" ", 1)[1])
    except Exception as exc:
        raise HTTPException(status_code=401, detail="invalid token") from exc
    if response is None or response.user is None:
        raise HTTPException(status_code=401, detail="invalid token")
    return response.user.id
