import logging

from flask import Blueprint, jsonify, request
from flask_jwt_extended import get_jwt_identity, jwt_required
from marshmallow import ValidationError

from app.models import Document
from app.schemas import ChatSchema
from app.services.hf_inference import InferenceError, generate
from app.services.local_nlp import classify_sentiment

chat_bp = Blueprint("chat", __name__)
log = logging.getLogger(__name__)


def build_prompt(message, context=None):
    system = "Tu es AI-KO, un assistant qui répond en français de façon concise."
    if context:
        system += f"\nRésumé du document de l'utilisateur :\n{context}"
    return f"<s>[INST] {system}\n\n{message} [/INST]"


@chat_bp.post("")
@jwt_required()
def chat():
    try:
        data = ChatSchema().load(request.get_json() or {})
    except ValidationError as err:
        return jsonify(errors=err.messages), 400

    context = None
    if data["document_id"]:
        doc = Document.query.filter_by(id=data["document_id"], user_id=int(get_jwt_identity())).first()
        if doc and doc.analysis:
            context = doc.analysis.summary

    try:
        answer = generate(build_prompt(data["message"], context))
        return jsonify(answer=answer, source="huggingface-api")
    except InferenceError as exc:
        # The hosted model is cold or rate-limited: answer with what the local model can tell.
        log.warning("HF inference failed (%s), using local fallback", exc)
        sentiment = classify_sentiment(data["message"])
        return jsonify(
            answer="Le modèle de génération est indisponible pour le moment, réessayez dans une minute.",
            sentiment=sentiment,
            source="local-fallback",
        ), 503
