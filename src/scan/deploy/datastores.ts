/**
 * Datastores that deploy files declare: images in docker-compose, Render databases, Heroku add-ons.
 * Kept apart from the YAML/TOML helpers so the scan can use it without loading those parsers.
 */
import type { DatastoreKind, Diagnostic, Evidence } from "../../core/app-model.js";
import { diagnostic } from "../../core/evidence.js";

/** Images that are datastores rather than app processes, matched on the repository's last path part. */
const DATASTORE_IMAGES: { pattern: RegExp; kind: DatastoreKind }[] = [
  { pattern: /^(postgres|postgis|pgvector|timescaledb|timescaledb-ha|supabase-postgres|postgresql)$/, kind: "postgresql" },
  { pattern: /^(redis|redis-stack|redis-stack-server|valkey|keydb|dragonfly)$/, kind: "redis" },
  { pattern: /^(mysql|mariadb|mysql-server)$/, kind: "mysql" },
  { pattern: /^(mongo|mongodb|mongodb-community-server)$/, kind: "mongodb" },
  { pattern: /^(minio|localstack)$/, kind: "s3" },
];

/** The datastore an image name stands for (`postgres:16-alpine`, `bitnami/redis`), if any. */
export function datastoreOfImage(image: string): DatastoreKind | undefined {
  const noTag = image.trim().replace(/@.*$/, "").replace(/:[^/]*$/, "");
  const name = noTag.slice(noTag.lastIndexOf("/") + 1).toLowerCase();
  return DATASTORE_IMAGES.find((r) => r.pattern.test(name))?.kind;
}

/** Kinds of the datastore diagnostics below, kept beside them so callers never parse messages. */
const declaredKinds = new WeakMap<Diagnostic, DatastoreKind>();

/** Info diagnostic for a datastore a deploy file declares (render database, compose postgres…). */
export function datastoreDeclared(kind: DatastoreKind, what: string, evidence: Evidence): Diagnostic {
  const d = diagnostic("info", "deploy-datastore-declared", `${what} declares a ${kind} datastore`, [evidence]);
  declaredKinds.set(d, kind);
  return d;
}

/** The datastore kind a `deploy-datastore-declared` diagnostic is about. */
export function declaredDatastoreKind(d: Diagnostic): DatastoreKind | undefined {
  return declaredKinds.get(d);
}

