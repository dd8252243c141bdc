"""Fills the reference_models table from data/automl_models/*/metadata.json.

Usage: DATABASE_URL=postgresql://... python populate_reference_models.py [--force]
"""

import argparse
import json
import os

from app import create_app
from app.extensions import db
from app.models.reference_model import ReferenceModel


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="update rows that already exist")
    args = parser.parse_args()

    app = create_app()
    models_dir = app.config["MODELS_DIR"]
    bucket = app.config["S3_MODEL_BUCKET"]
    added = updated = skipped = failed = 0

    print("=" * 80)
    print(f"📦 POPULATING REFERENCE MODELS FROM {os.path.relpath(models_dir)}/")
    print("=" * 80)
    with app.app_context():
        for name in sorted(os.listdir(models_dir), key=lambda n: (len(n), n)):
            meta_path = os.path.join(models_dir, name, "metadata.json")
            if not os.path.exists(meta_path):
                continue
            print(f"\nProcessing {name}...")
            try:
                with open(meta_path) as fh:
                    meta = json.load(fh)
                print("  ✓ Model metadata loaded")
                row = ReferenceModel.query.filter_by(dataset_name=name).first()
                if row and not args.force:
                    print("  ↷ Skipped (already exists)")
                    skipped += 1
                    continue
                if row is None:
                    row = ReferenceModel(dataset_name=name)
                    db.session.add(row)
                    added += 1
                else:
                    updated += 1
                row.feature_columns = meta["feature_columns"]
                row.target_column = meta.get("target")
                row.metrics = meta.get("metrics", {})
                row.n_rows = meta.get("n_rows")
                row.framework = meta.get("framework", "xgboost")
                row.storage_type = "s3" if bucket else "local"
                row.s3_path = f"s3://{bucket}/automl_models/{name}/" if bucket else None
                print(f"  ✓ Storage type: {row.storage_type}")
                db.session.commit()
                print(f"  ✅ Added: {name}")
            except Exception as exc:
                db.session.rollback()
                failed += 1
                print(f"  ❌ Failed: {exc}")

    print("\n" + "=" * 80)
    print("✅ POPULATION COMPLETED")
    print("=" * 80)
    print(f"  Total: {added} models added, {updated} updated")
    print(f"  Skipped: {skipped} (already exists)")
    print(f"  Failed: {failed}")


if __name__ == "__main__":
    main()
