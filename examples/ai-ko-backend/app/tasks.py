import logging
import os
from functools import lru_cache

from flask_socketio import SocketIO

from app.celery_app import celery
from app.extensions import db
from app.models import Analysis, Document
from app.services.document_parser import chunk_words, extract_text

log = logging.getLogger(__name__)

# Emits from the worker reach browsers through the Redis message queue.
external_socketio = SocketIO(message_queue=os.environ["REDIS_URL"])


@lru_cache(maxsize=1)
def get_summarizer():
    # Imported lazily so that only the worker pays for distilbart (~1.2 GB on disk).
    from transformers import pipeline

    return pipeline("summarization", model="sshleifer/distilbart-cnn-12-6", device=-1)


def _progress(doc_id, status, **extra):
    external_socketio.emit("document_status", {"document_id": doc_id, "status": status, **extra}, to=f"doc_{doc_id}")


@celery.task(bind=True, max_retries=2, default_retry_delay=30)
def analyze_document(self, document_id):
    doc = db.session.get(Document, document_id)
    if doc is None:
        return {"error": "not found"}

    doc.status = "processing"
    db.session.commit()
    _progress(doc.id, "processing")

    try:
        text = extract_text(doc.stored_path)
        summarizer = get_summarizer()
        parts = [
            summarizer(chunk, max_length=130, min_length=30, do_sample=False)[0]["summary_text"]
            for chunk in list(chunk_words(text))[:8]
        ]
        summary = " ".join(parts)

        from app.services.local_nlp import classify_sentiment

        sentiment = classify_sentiment(summary or text[:2000])

        analysis = doc.analysis or Analysis(document_id=doc.id)
        analysis.summary = summary
        analysis.sentiment_label = sentiment["label"]
        analysis.sentiment_score = sentiment["score"]
        analysis.word_count = len(text.split())
        doc.status = "done"
        db.session.add(analysis)
        db.session.commit()
        _progress(doc.id, "done", summary=summary)
        return {"document_id": doc.id, "words": analysis.word_count}
    except Exception as exc:
        log.exception("analysis failed for document %s", document_id)
        doc.status = "failed"
        db.session.commit()
        _progress(doc.id, "failed")
        raise self.retry(exc=exc)
