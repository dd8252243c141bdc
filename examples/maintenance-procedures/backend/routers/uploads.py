import shutil
import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from sqlalchemy.orm import Session

from auth import get_current_user
from config import get_settings
from database import get_db
from models import Attachment, Procedure, User
from schemas import AttachmentOut

UPLOAD_DIR = Path(__file__).resolve().parent.parent / "uploads"
UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
ALLOWED_TYPES = {"image/jpeg", "image/png", "application/pdf"}

router = APIRouter(prefix="/uploads", tags=["uploads"])


@router.post("/{procedure_id}", response_model=AttachmentOut, status_code=201)
def upload_attachment(
    procedure_id: int,
    file: UploadFile = File(...),
    db: Session = Depends(get_db),
    user: User = Depends(get_current_user),
):
    procedure = db.get(Procedure, procedure_id)
    if procedure is None:
        raise HTTPException(status_code=404, detail="Procédure introuvable")
    if file.content_type not in ALLOWED_TYPES:
        raise HTTPException(status_code=400, detail="Format non supporté (JPEG, PNG ou PDF)")

    suffix = Path(file.filename or "").suffix.lower()
    stored_name = f"{uuid.uuid4().hex}{suffix}"
    destination = UPLOAD_DIR / stored_name
    with destination.open("wb") as out:
        shutil.copyfileobj(file.file, out)
    if destination.stat().st_size > get_settings().max_upload_mb * 1024 * 1024:
        destination.unlink()
        raise HTTPException(status_code=413, detail="Fichier trop volumineux")

    attachment = Attachment(
        procedure_id=procedure.id,
        filename=file.filename or stored_name,
        stored_name=stored_name,
        content_type=file.content_type,
    )
    db.add(attachment)
    db.commit()
    return AttachmentOut(id=attachment.id, filename=attachment.filename, url=f"/uploads/{stored_name}")
