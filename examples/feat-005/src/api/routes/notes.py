from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from src.db.models import Note
from src.db.session import get_session
from src.services.openai_service import summarise_notes
from src.services.supabase_client import get_current_user_id

router = APIRouter(prefix="/notes", tags=["notes"])


class NoteIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=20000)


class NoteOut(BaseModel):
    id: int
    title: str
    summary: str | None
    action_items: list[str]


def _out(note: Note) -> NoteOut:
    items = [line for line in (note.action_items or "").split("\n") if line]
    return NoteOut(id=note.id, title=note.title, summary=note.summary, action_items=items)


@router.post("", response_model=NoteOut, status_code=201)
def create_note(payload: NoteIn, user_id: str = Depends(get_current_user_id), db: Session = Depends(get_session)):
    result = summarise_notes(payload.content)
    note = Note(
        user_id=user_id,
        title=payload.title,
        content=payload.content,
        summary=result["summary"],
        action_items="\n".join(result["action_items"]),
    )
    db.add(note)
    db.commit()
    return _out(note)


@router.get("", response_model=list[NoteOut])
def list_notes(user_id: str = Depends(get_current_user_id), db: Session = Depends(get_session)):
    notes = db.scalars(select(Note).where(Note.user_id == user_id).order_by(Note.created_at.desc())).all()
    return [_out(n) for n in notes]


@router.get("/{note_id}", response_model=NoteOut)
def get_note(note_id: int, user_id: str = Depends(get_current_user_id), db: Session = Depends(get_session)):
    note = db.get(Note, note_id)
    if note is None or note.user_id != user_id:
        raise HTTPException(status_code=404, detail="note not found")
    return _out(note)
