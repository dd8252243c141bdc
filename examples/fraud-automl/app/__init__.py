import logging
import os

from flask import Flask

from config import Config


def create_app(config_class=Config):
    app = Flask(__name__)
    app.config.from_object(config_class)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
    os.makedirs(app.config["PREDICTIONS_FOLDER"], exist_ok=True)

    # Imported here so the services (storage, ensemble) stay importable without the web stack.
    from app.extensions import db
    from app.models.reference_model import ReferenceModel  # noqa: F401  (registers the table)
    from app.routes import bp
    from app.services.model_storage import init_storage_service

    db.init_app(app)
    with app.app_context():
        db.create_all()

    init_storage_service(
        local_dir=app.config["MODELS_DIR"],
        bucket=app.config["S3_MODEL_BUCKET"],
        cache_dir=app.config["MODEL_CACHE_DIR"],
    )
    app.register_blueprint(bp)
    return app
