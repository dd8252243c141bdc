/**
 * The Footprint: what each service needs, as intervals with the parts that make them up, so a user
 * sees what to cut (`torch import 229 MB + model 268 MB × 2 workers`). Produced by `estimate`,
 * read by `plan`; a measured probe result can replace any figure (its `source` then says so).
 */

/** A range with the value the plan uses. Memory and sizes in MB (MiB), durations in seconds. */
export interface Interval {
  low: number;
  expected: number;
  high: number;
}

export type PartKind =
  | "base-image"
  | "interpreter"
  | "package"
  | "system-packages"
  | "app-files"
  | "model"
  | "workers"
  | "subprocess"
  | "download"
  | "install"
  | "push"
  | "overhead";

/** One contribution to a figure, with why shipfit believes it. */
export interface Part extends Interval {
  label: string;
  kind: PartKind;
  /** Where the number comes from (a data file's source, "measured", or "assumption"). */
  source: string;
  /** The figure is a conservative default for something shipfit has no facts about. */
  unknown?: boolean;
}

/** A figure: its interval and its parts (parts add up to the interval, except where noted). */
export interface Figure extends Interval {
  parts: Part[];
  /** "estimate", or "measured" when a probe result replaced it. */
  origin: "estimate" | "measured";
}

export interface ServiceFootprint {
  service: string;
  kind: "web" | "worker" | "frontend";
  /** Uncompressed image size. */
  imageMB: Figure;
  /** What the image would weigh with CPU-only torch wheels, when it installs the CUDA ones. */
  imageMBCpuTorch?: Figure;
  /** Rough build time (install, copy, export). */
  buildSeconds: Figure;
  /** Memory of the whole process tree (parent, workers, subprocesses): at start, settled, and the peak. */
  ram: {
    startMB: Figure;
    steadyMB: Figure;
    peakMB: Figure;
    /** Processes the tree runs (master + workers + subprocesses). */
    processes: number;
  };
  /** Time from process start to answering: imports, model loads and downloads. */
  coldStartSeconds: Figure;
  /** Packages the estimate had no facts for (each counted with the conservative default). */
  unknownPackages: string[];
}

export interface Footprint {
  services: ServiceFootprint[];
  /** Notes about the estimate itself (assumptions that matter, missing facts). */
  notes: string[];
}
