/** What the registry stores: models, versions (PENDING → READY), their files, aliases, usage. */
import type { ManifestFile } from "../manifest.js";

export type VersionStatus = "PENDING" | "READY" | "FAILED";

/** Descriptive metadata of a model; seed 003's `reference_models` row is covered by these fields. */
export interface ModelMeta {
  description?: string;
  framework?: string;
  /** The columns the model was trained on: what `models match` compares a CSV against. */
  featureColumns?: string[];
  metrics?: Record<string, number>;
  /** Anything else the sidecar metadata file held. */
  extra?: Record<string, unknown>;
}

export interface ModelSummary extends ModelMeta {
  name: string;
  latestVersion?: number;
  versions: number;
  aliases: Record<string, number>;
  /** Bytes of the latest READY version. */
  latestSize: number;
  usageCount: number;
  lastUsedAt?: string;
  createdAt: string;
}

export interface VersionRow {
  id: number;
  model: string;
  version: number;
  status: VersionStatus;
  digest: string;
  totalSize: number;
  fileCount: number;
  /** The store the blobs were pushed to. */
  store: string;
  source?: string;
  createdAt: string;
  readyAt?: string;
}

export interface VersionWithFiles extends VersionRow {
  files: ManifestFile[];
}

export interface NewVersion {
  digest: string;
  files: ManifestFile[];
  store: string;
  source?: string;
}

/** What `beginVersion` did: a fresh PENDING version, a PENDING one resumed, or nothing new. */
export type Begun = { kind: "new" | "resumed" | "unchanged"; version: VersionRow };

export interface Registry {
  /** Where it lives, without a password. */
  readonly url: string;
  upsertModel(name: string, meta: ModelMeta): Promise<void>;
  beginVersion(name: string, v: NewVersion): Promise<Begun>;
  markReady(versionId: number): Promise<void>;
  /** A version by number, alias, or the latest READY one ("latest" or undefined); READY only unless asked. */
  resolve(name: string, ref?: number | string, options?: { anyStatus?: boolean }): Promise<VersionWithFiles | null>;
  models(): Promise<ModelSummary[]>;
  model(name: string): Promise<ModelSummary | null>;
  versions(name: string): Promise<VersionRow[]>;
  /** Points `alias` at `version`; returns the version it pointed at before, if any. */
  setAlias(name: string, alias: string, version: number): Promise<number | undefined>;
  aliases(name: string): Promise<{ alias: string; version: number; previous?: number; updatedAt: string }[]>;
  recordUse(name: string | readonly string[], count?: number): Promise<void>;
  deleteVersions(ids: readonly number[]): Promise<void>;
  /** Every sha256 any version (of any status) still names: what gc must keep in the store. */
  referencedShas(): Promise<Set<string>>;
  close(): Promise<void>;
}
