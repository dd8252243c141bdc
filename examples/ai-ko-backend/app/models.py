from datetime import datetime, timezone

import bcrypt

from app.extensions import db


def _now():
    return datetime.now(timezone.utc)


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False, index=True)
    name = db.Column(db.String(255))
    password_hash = db.Column(db.String(128))
    google_id = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime(timezone=True), default=_now)

    documents = db.relationship("Document", backref="owner", lazy="dynamic")

    def set_password(self, password):
        self.password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()

    def check_password(self, password):
        if not self.password_hash:
            return False
        return bcrypt.checkpw(password.encode(), self.password_hash.encode())


class Document(db.Model):
    __tablename__ = "documents"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    filename = db.Column(db.String(255), nullable=False)
    stored_path = db.Column(db.String(512), nullable=False)
    status = db.Column(db.String(20), default="pending")  # pending | processing | done | failed
    created_at = db.Column(db.DateTime(timezone=True), default=_now)

    analysis = db.relationship("Analysis", backref="document", uselist=False)


class Analysis(db.Model):
    __tablename__ = "analyses"

    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.Integer, db.ForeignKey("documents.id"), nullable=False, unique=True)
    summary = db.Column(db.Text)
    sentiment_label = db.Column(db.String(16))
    sentiment_score = db.Column(db.Float)
    word_count = db.Column(db.Integer)
    created_at = db.Column(db.DateTime(timezone=True), default=_now)
