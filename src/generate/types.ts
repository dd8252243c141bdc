/** What generators produce and what they are given. Generators are pure: context in, files out. */
import type { AppModel, Service } from "../core/app-model.js";
import type { ServiceFootprint } from "../estimate/footprint.js";

export type TargetId = "docker" | "procfile" | "railway" | "render" | "fly" | "cloud-run" | "compose" | "kubernetes" | "github-actions" | "env" | "requirements-prod" | "models-loader";

export interface GeneratedFile {
  /** Repository-relative POSIX path. */
  path: string;
  content: string;
  format: "dockerfile" | "dockerignore" | "procfile" | "json" | "toml" | "yaml" | "env" | "text" | "python";
  target: TargetId;
  /** What this file fixes compared with the repository as scanned (port, torch wheels, health check…). */
  fixes: string[];
}

/** A service as generators see it: the scan's facts, the estimate's figures, and decisions made once. */
export interface ServicePlan {
  service: Service;
  footprint: ServiceFootprint;
  /** Folder the service builds from ('.' for the root). */
  root: string;
  /** Start command as it should run on a platform: bound to 0.0.0.0:$PORT. */
  command: string;
  /** What the command changes from the repository's own (e.g. "binds 0.0.0.0:$PORT instead of 127.0.0.1:8000"). */
  commandFixes: string[];
  /** Container port the app listens on when $PORT is set (and the default otherwise). */
  port: number;
  /** HTTP path a health check can call, if any. */
  healthPath?: string;
  /** Seconds before the first health check counts: the estimated cold start, rounded up. */
  startPeriodSeconds: number;
  /** Memory to give the service, MB (peak + headroom, rounded up to 64 MB). */
  memoryMB: number;
  /** Install torch from the CPU wheel index (the code uses no GPU). */
  cpuTorch: boolean;
  /** Debian packages its Python packages need at run time. */
  systemPackages: string[];
  /** Requirement files to install, relative to the service root. */
  requirements: string[];
  /** Environment variables it reads, secrets flagged. */
  env: { name: string; secret: boolean }[];
  /** Paths it writes that must survive restarts (volumes, mounts). */
  durablePaths: string[];
  /**
   * Model files its image would carry, to be kept out of it and pulled verified at start instead
   * (`shipfit models push`, then the generated shipfit_models.py). Absent when there are none, for
   * Node services, and when inference runs remotely.
   */
  modelPull?: {
    /** Relative to the service root. */
    files: string[];
    /** Their folders, relative to the service root: one model each for `shipfit models push`. */
    folders: string[];
    bytes: number;
  };
  pythonVersion: string;
  nodeVersion: string;
}

export interface GenerateContext {
  model: AppModel;
  services: ServicePlan[];
  /** Datastore servers the app needs (compose runs them; platforms provision them). */
  datastores: ("postgresql" | "redis")[];
  /** Platform the CI workflow deploys to. */
  platform: string;
  /** An instance size the user chose with --plan (instead of the one the estimate picks). */
  size?: { platform: string; instance: string; ramMB: number };
  /** Inference runs remotely: heavy ML packages are dropped (requirements-prod). */
  remoteInference: boolean;
}

/** A generator: pure, from the context to the files of one target. */
export interface Generator {
  target: TargetId;
  /** One line for --help. */
  summary: string;
  generate(ctx: GenerateContext): GeneratedFile[];
}
