import os
import uuid

from flask import Blueprint, current_app, jsonify, request
from flask_jwt_extended import get_jwt_identity, jwt_required
from werkzeug.utils import secure_filename

from app.extensions import db
from app.models import Document
from app.schemas import DocumentSchema
from app.tasks import analyze_document

documents_bp = Blueprint("documents", __name__)


def _allowed(filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return ext in current_app.config["ALLOWED_EXTENSIONS"]


@documents_bp.post("/upload")
@jwt_required()
def upload():
    file = request.files.get("file")
    if file is None or not file.filename:
        return jsonify(error="no file"), 400
    if not _allowed(file.filename):
        return jsonify(error="only PDF, DOCX and TXT files are accepted"), 400

    filename = secure_filename(file.filename)
    stored_path = os.path.join(current_app.config["UPLOAD_FOLDER"], f"{uuid.uuid4().hex}_{filename}")
    file.save(stored_path)

    doc = Document(user_id=int(get_jwt_identity()), filename=filename, stored_path=stored_path)
    db.session.add(doc)
    db.session.commit()

    analyze_document.delay(doc.id)
    return jsonify(DocumentSchema().dump(doc)), 202


@documents_bp.get("")
@jwt_required()
def list_documents():
    docs = Document.query.filter_by(user_id=int(get_jwt_identity())).order_by(Document.created_at.desc())
    return jsonify(DocumentSchema(many=True).dump(docs))


@documents_bp.get("/<int:doc_id>")
@jwt_required()
def get_document(doc_id):
    doc = Document.query.filter_by(id=doc_id, user_id=int(get_jwt_identity())).first_or_404()
    return jsonify(DocumentSchema().dump(doc))


@documents_bp.post("/<int:doc_id>/analyze")
@jwt_required()
def reanalyze(doc_id):
    doc = Document.query.filter_by(id=doc_id, user_id=int(get_jwt_identity())).first_or_404()
    doc.status = "pending"
    db.session.commit()
    analyze_document.delay(doc.id)
    return jsonify(status="queued"), 202
