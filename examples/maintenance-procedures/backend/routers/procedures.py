from typing import List

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from auth import get_current_user
from database import get_db
from models import Procedure, Step, User
from schemas import ProcedureOut, ProcedureRequest
from services.openai_service import generate_procedure

router = APIRouter(prefix="/procedures", tags=["procedures"])


@router.get("", response_model=List[ProcedureOut])
def list_procedures(db: Session = Depends(get_db)):
    return db.query(Procedure).order_by(Procedure.created_at.desc()).all()


@router.get("/{procedure_id}", response_model=ProcedureOut)
def get_procedure(procedure_id: int, db: Session = Depends(get_db)):
    procedure = db.get(Procedure, procedure_id)
    if procedure is None:
        raise HTTPException(status_code=404, detail="Procédure introuvable")
    return procedure


@router.post("/generate", response_model=ProcedureOut, status_code=201)
def create_generated_procedure(
    payload: ProcedureRequest,
    db: Session = Depends(get_db),
    user: User = Depends(get_current_user),
):
    generated = generate_procedure(payload.equipment, payload.task, payload.context)
    procedure = Procedure(
        title=generated["title"],
        equipment=payload.equipment,
        description=payload.task,
        safety_notes=generated.get("safety_notes"),
        author_id=user.id,
    )
    for position, step in enumerate(generated["steps"], start=1):
        procedure.steps.append(Step(position=position, instruction=step["instruction"], tools=step.get("tools")))
    db.add(procedure)
    db.commit()
    db.refresh(procedure)
    return procedure


@router.delete("/{procedure_id}", status_code=204)
def delete_procedure(procedure_id: int, db: Session = Depends(get_db), user: User = Depends(get_current_user)):
    procedure = db.get(Procedure, procedure_id)
    if procedure is None:
        raise HTTPException(status_code=404, detail="Procédure introuvable")
    db.delete(procedure)
    db.commit()
