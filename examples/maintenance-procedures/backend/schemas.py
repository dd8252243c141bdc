from datetime import datetime
from typing import List, Optional

from pydantic import BaseModel, ConfigDict, EmailStr


class UserCreate(BaseModel):
    email: EmailStr
    password: str
    full_name: Optional[str] = None


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    position: int
    instruction: str
    tools: Optional[str] = None


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    filename: str
    url: str


class ProcedureRequest(BaseModel):
    equipment: str
    task: str
    context: Optional[str] = None


class ProcedureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    equipment: str
    description: Optional[str] = None
    safety_notes: Optional[str] = None
    created_at: datetime
    steps: List[StepOut] = []
