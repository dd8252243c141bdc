"""Copies data/automl_models/<dataset>/ to s3://<bucket>/automl_models/<dataset>/ (or back).

  python migrate_models_to_s3.py --estimate
  python migrate_models_to_s3.py --bucket fraud-detection-models [--dry-run]
  python migrate_models_to_s3.py --bucket fraud-detection-models --verify
  python migrate_models_to_s3.py --bucket fraud-detection-models --rollback
"""

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
MODELS_DIR = os.path.join(ROOT, "data", "automl_models")
PREFIX = "automl_models"

# S3 Standard, us-east-1 (aws.amazon.com/s3/pricing), used only for the --estimate printout.
STORAGE_PER_GB_MONTH = 0.023
PUT_PER_1000 = 0.005


def model_dirs():
    names = [n for n in os.listdir(MODELS_DIR) if os.path.isdir(os.path.join(MODELS_DIR, n))]
    return sorted(names, key=lambda n: (len(n), n))


def files_of(name):
    folder = os.path.join(MODELS_DIR, name)
    return [(f, os.path.join(folder, f)) for f in sorted(os.listdir(folder))]


def estimate():
    total = sum(os.path.getsize(p) for n in model_dirs() for _, p in files_of(n))
    n_files = sum(len(files_of(n)) for n in model_dirs())
    gb = total / 1024 ** 3
    print("=" * 80)
    print("S3 COST ESTIMATION")
    print("=" * 80)
    print(f"  Total models: {len(model_dirs())}")
    print(f"  Total size: {total / 1024 ** 2:.2f} MB ({gb:.3f} GB)")
    print("\n  Costs (monthly):")
    print(f"    Storage: ${gb * STORAGE_PER_GB_MONTH:.4f}/month")
    print(f"    Upload (one-time): ${n_files / 1000 * PUT_PER_1000:.4f}")
    print(f"    Yearly storage: ${gb * STORAGE_PER_GB_MONTH * 12:.2f}/year")
    print("=" * 80)


def s3_client():
    import boto3

    return boto3.client("s3", region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))


def migrate(bucket, dry_run):
    s3 = None if dry_run else s3_client()
    ok = failed = 0
    for name in model_dirs():
        print(f"\nMigrating: {name}")
        print(f"  Local path: data/automl_models/{name}")
        print(f"  S3 path: s3://{bucket}/{PREFIX}/{name}/")
        try:
            for filename, path in files_of(name):
                print(f"    Uploading {filename}..." + (" (dry run)" if dry_run else ""))
                if not dry_run:
                    s3.upload_file(path, bucket, f"{PREFIX}/{name}/{filename}")
                    print(f"    ✓ {filename} uploaded")
            ok += 1
            print("  ✅ Migration successful")
        except Exception as exc:
            failed += 1
            print(f"  ❌ {exc}")
    print("\n" + "=" * 80)
    print("MIGRATION SUMMARY")
    print("=" * 80)
    print(f"  Total models: {ok + failed}\n  ✅ Migrated: {ok}\n  ❌ Failed: {failed}")
    return failed == 0


def verify(bucket):
    s3 = s3_client()
    bad = 0
    for name in model_dirs():
        for filename, path in files_of(name):
            key = f"{PREFIX}/{name}/{filename}"
            try:
                remote = s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
            except Exception:
                remote = None
            if remote != os.path.getsize(path):
                bad += 1
                print(f"  ❌ {key}: local {os.path.getsize(path)} B, s3 {remote}")
    print("✅ All models verified" if bad == 0 else f"❌ {bad} file(s) differ")
    return bad == 0


def rollback(bucket):
    """Brings every model back to local disk and marks it local in the registry."""
    s3 = s3_client()
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=f"{PREFIX}/"):
        for obj in page.get("Contents", []):
            target = os.path.join(MODELS_DIR, obj["Key"][len(PREFIX) + 1:])
            if not os.path.exists(target):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                s3.download_file(bucket, obj["Key"], target)
                print(f"  ↓ {obj['Key']}")

    from app import create_app
    from app.extensions import db
    from app.models.reference_model import ReferenceModel

    app = create_app()
    with app.app_context():
        n = ReferenceModel.query.update({"storage_type": "local", "s3_path": None})
        db.session.commit()
    print(f"✅ Rollback complete ({n} registry rows set to local)")
    return True


def main():
    parser = argparse.ArgumentParser(description="Move the AutoML reference models to S3.")
    parser.add_argument("--bucket", default=os.environ.get("S3_MODEL_BUCKET"))
    parser.add_argument("--estimate", action="store_true")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--rollback", action="store_true")
    args = parser.parse_args()

    if args.estimate:
        estimate()
        return 0
    if not args.bucket:
        parser.error("--bucket (or S3_MODEL_BUCKET) is required")
    if args.verify:
        return 0 if verify(args.bucket) else 1
    if args.rollback:
        return 0 if rollback(args.bucket) else 1
    return 0 if migrate(args.bucket, args.dry_run) else 1


if __name__ == "__main__":
    sys.exit(main())
