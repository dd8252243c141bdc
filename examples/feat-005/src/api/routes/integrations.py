from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from src.db.models import IntegrationToken
from src.db.session import get_session
from src.services.encryption import encrypt
from src.services.supabase_client import get_current_user_id

router = APIRouter(prefix="/integrations", tags=["integrations"])


class TokenIn(BaseModel):
    provider: str
    token: str


@router.put("/{provider}", status_code=204)
def save_token(provider: str, payload: TokenIn, user_id: str = Depends(get_current_user_id),
               db: Session = Depends(get_session)):
    row = db.scalar(select(IntegrationToken).where(IntegrationToken.user_id == user_id,
                                                   IntegrationToken.provider == provider))
    if row is None:
        row = IntegrationToken(user_id=user_id, provider=provider)
        db.add(row)
    row.encrypted_token = encrypt(payload.token)
    db.commit()


@router.get("")
def list_integrations(user_id: str = Depends(get_current_user_id), db: Session = Depends(get_session)):
    rows = db.scalars(select(IntegrationToken).where(IntegrationToken.user_id == user_id)).all()
    # Never send tokens back, not even encrypted.
    return [{"provider": r.provider, "connected_at": r.created_at.isoformat()} for r in rows]
