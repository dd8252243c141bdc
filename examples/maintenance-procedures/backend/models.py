from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from database import Base


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True, index=True)
    email = Column(String, unique=True, index=True, nullable=False)
    full_name = Column(String)
    hashed_password = Column(String, nullable=False)
    created_at = Column(DateTime, default=datetime.utcnow)


class Procedure(Base):
    __tablename__ = "procedures"

    id = Column(Integer, primary_key=True, index=True)
    title = Column(String, nullable=False)
    equipment = Column(String, nullable=False)
    description = Column(Text)
    safety_notes = Column(Text)
    author_id = Column(Integer, ForeignKey("users.id"))
    created_at = Column(DateTime, default=datetime.utcnow)

    steps = relationship("Step", back_populates="procedure", order_by="Step.position", cascade="all, delete-orphan")
    attachments = relationship("Attachment", back_populates="procedure", cascade="all, delete-orphan")


class Step(Base):
    __tablename__ = "steps"

    id = Column(Integer, primary_key=True)
    procedure_id = Column(Integer, ForeignKey("procedures.id"), nullable=False)
    position = Column(Integer, nullable=False)
    instruction = Column(Text, nullable=False)
    tools = Column(String)

    procedure = relationship("Procedure", back_populates="steps")


class Attachment(Base):
    __tablename__ = "attachments"

    id = Column(Integer, primary_key=True)
    procedure_id = Column(Integer, ForeignKey("procedures.id"), nullable=False)
    filename = Column(String, nullable=False)
    stored_name = Column(String, nullable=False)
    content_type = Column(String)

    procedure = relationship("Procedure", back_populates="attachments")
