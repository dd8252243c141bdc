/**
 * The command table: names and summaries are data, each command's code loads only when it runs,
 * so `shipfit --help` and a scan do not pay for every other command's dependencies.
 */
import type { Command } from "../command.js";

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: "scan",
    summary: "find services, dependencies, models, env vars, datastores and deploy files, with evidence",
    load: async () => (await import("./scan.js")).scanCommand,
  },
  {
    name: "estimate",
    summary: "image size, build time, RAM and cold start per service, each with its parts and sources",
    load: async () => (await import("./estimate.js")).estimateCommand,
  },
  {
    name: "plan",
    summary: "every hosting plan: does the app fit, what a month costs, and what to change",
    load: async () => (await import("./plan.js")).planCommand,
  },
  {
    name: "generate",
    summary: "Dockerfile, Procfile, railway.json, render.yaml, fly.toml, Cloud Run, compose, Kubernetes, CI, .env example",
    load: async () => (await import("./generate.js")).generateCommand,
  },
  {
    name: "probe",
    summary: "run the app here and measure its real peak memory against a plan's limit (--enforce kills at it)",
    load: async () => (await import("./probe.js")).probeCommand,
  },
  {
    name: "doctor",
    summary: "read a failed deploy's log: out of memory, port not bound, missing module or variable… and what to do",
    load: async () => (await import("./doctor.js")).doctorCommand,
  },
  {
    name: "models",
    summary: "model files off the ephemeral disk: push to S3-compatible storage with a registry, pull verified at start",
    load: async () => (await import("./models.js")).modelsCommand,
  },
  {
    name: "report",
    summary: "the whole answer as one self-contained web page (or Markdown for a pull request)",
    load: async () => (await import("./report.js")).reportCommand,
  },
  {
    name: "catalog",
    summary: "the platforms and plans shipfit prices, with sources and confidence",
    load: async () => (await import("./catalog.js")).catalogCommand,
  },
];
