import logging
import os
from datetime import datetime
from functools import wraps

import pandas as pd
from flask import Blueprint, current_app, jsonify, render_template, request, send_from_directory
from werkzeug.utils import secure_filename

from app.extensions import db
from app.models.reference_model import ReferenceModel
from app.services.ensemble import predict_ensemble
from app.services.matching import rank
from app.services.model_storage import get_storage_service

bp = Blueprint("main", __name__)
log = logging.getLogger(__name__)


def require_token(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        expected = current_app.config["API_TOKEN"]
        if expected and request.headers.get("Authorization") != f"Bearer {expected}":
            return jsonify(success=False, message="unauthorized"), 401
        return view(*args, **kwargs)

    return wrapper


def _inside_uploads(path):
    # Clients send "uploads/<name>" as returned by /upload; never read outside the upload folder.
    root = os.path.realpath(current_app.config["UPLOAD_FOLDER"])
    relative = path[len("uploads/"):] if path.startswith("uploads/") else path
    full = os.path.realpath(os.path.join(root, relative))
    return full if full.startswith(root + os.sep) else None


def find_candidates(columns):
    log.info("🔍 Finding best matching reference models...")
    top_k = current_app.config["ENSEMBLE_TOP_K"]
    candidates = ReferenceModel.find_best_match(columns, top_k=top_k)
    if not candidates:
        # Empty registry (fresh database): match against the model folders on disk.
        candidates = rank(columns, get_storage_service().local_catalog(), top_k=top_k)
    if candidates:
        log.info("✅ Best match: %s (similarity: %.1f%%)", candidates[0].dataset_name, 100 * candidates[0].similarity)
    return candidates


def apply_models(filepath, model_name):
    df = pd.read_csv(filepath)
    candidates = find_candidates(list(df.columns))
    result, stats = predict_ensemble(df, candidates, get_storage_service())

    for cand in candidates:
        row = ReferenceModel.query.filter_by(dataset_name=cand.dataset_name).first()
        if row:
            row.mark_used()
    db.session.commit()

    name = f"{datetime.utcnow():%Y%m%d_%H%M%S}_{secure_filename(model_name) or 'predictions'}.csv"
    result.to_csv(os.path.join(current_app.config["PREDICTIONS_FOLDER"], name), index=False)
    return {
        "success": True,
        "message": f"Prédictions générées avec succès sur {stats['total_transactions']} transactions",
        "predictions_file": f"uploads/predictions/{name}",
        "download_url": f"/download/predictions/{name}",
        "stats": stats,
        "methods_used": {
            "ensemble": len(candidates) > 1,
            "top_k_models": len(candidates),
            "anomaly_detection": True,
            "calibration": True,
            "best_model": candidates[0].dataset_name,
            "similarity_score": round(candidates[0].similarity, 3),
        },
    }


@bp.get("/")
@bp.get("/upload")
def upload_form():
    return render_template("upload.html")


@bp.post("/upload")
def upload():
    file = request.files.get("file")
    if file is None or not file.filename.lower().endswith(".csv"):
        return render_template("upload.html", error="Choisissez un fichier CSV."), 400
    name = f"{datetime.utcnow():%Y%m%d_%H%M%S}_{secure_filename(file.filename)}"
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], name)
    file.save(path)

    columns = list(pd.read_csv(path, nrows=5).columns)
    if request.form.get("unlabeled"):
        try:
            result = apply_models(path, os.path.splitext(name)[0] + "_unlabeled")
        except ValueError as exc:
            return render_template("upload.html", error=str(exc), columns=columns), 422
        return render_template("upload.html", result=result, columns=columns)
    return render_template("upload.html", uploaded=f"uploads/{name}", columns=columns)


@bp.post("/api/apply_unlabeled")
@require_token
def api_apply_unlabeled():
    payload = request.get_json(silent=True) or {}
    path = _inside_uploads(payload.get("filepath", ""))
    if not path or not os.path.exists(path):
        return jsonify(success=False, message="filepath must point to an uploaded CSV"), 400
    try:
        return jsonify(apply_models(path, payload.get("model_name", "unlabeled_predictions")))
    except ValueError as exc:
        return jsonify(success=False, message=str(exc)), 422


@bp.get("/download/predictions/<path:name>")
def download_prediction(name):
    return send_from_directory(current_app.config["PREDICTIONS_FOLDER"], name, as_attachment=True)


@bp.get("/api/health")
def health():
    storage = get_storage_service()
    try:
        registered = ReferenceModel.query.count()
        database = "ok"
    except Exception:
        registered, database = 0, "unavailable"
    return jsonify(
        status="ok",
        database=database,
        registered_models=registered,
        local_models=len(storage.local_catalog()),
        storage="s3" if storage.bucket else "local",
    )
