/**
 * Cross-checks between what deploy files say and what the code does, and the deploy risks a scan
 * can already see: a localhost bind, a port that ignores $PORT, a fly.toml port the app does not
 * listen on, a health path with no route, LFS pointers, committed secrets.
 */
import type { AppModel, Diagnostic, Service } from "../core/app-model.js";
import { at, diagnostic } from "../core/evidence.js";
import { formatBytes } from "./read.js";
import type { CollectedRepo } from "./collect.js";
import type { Declared } from "./declared.js";
import { dirOf, type Project } from "./projects.js";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1"]);

/** Per-service deploy risks: development servers, localhost binds, fixed ports, port and EXPOSE mismatches. */
export function serviceChecks(services: Service[], declared: Declared[], repo: CollectedRepo, projectOf: Map<string, Project>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of services) {
    if (s.kind === "worker") continue;
    if (s.start && /(^|\s)--reload\b|\bflask run\b|\bnext dev\b|\bnpm run dev\b/.test(s.start.command)) {
      out.push(diagnostic("warning", "dev-server-start", `${s.id} starts a development server (${s.start.command}); production needs the plain server command`, s.start.evidence, s.id));
    } else if (s.server?.kind === "flask-dev") {
      // app.run() / socketio.run() is Werkzeug's development server, which Flask says not to deploy.
      out.push(diagnostic("warning", "dev-server-start", `${s.id} is served by Flask's development server (app.run); run it under gunicorn instead`, s.start?.evidence ?? s.server.evidence, s.id));
    }
    // Flask-SocketIO needs an async worker to keep websockets open, and one process unless a message queue and sticky sessions are set up.
    if (s.frameworks.some((f) => f.value === "flask-socketio") && s.server?.kind === "gunicorn") {
      const wc = s.server.workerClass ?? "";
      if (!/eventlet|gevent/.test(wc)) {
        out.push(diagnostic("warning", "socketio-sync-workers", `${s.id} serves Flask-SocketIO with gunicorn's sync workers: websockets fall back to long-polling; use -k eventlet or -k gevent (geventwebsocket)`, s.server.evidence, s.id));
      }
      if ((s.server.workers ?? 1) > 1) {
        out.push(diagnostic("warning", "socketio-multiple-workers", `${s.id} runs Flask-SocketIO in ${s.server.workers} gunicorn workers: clients need sticky sessions, which gunicorn cannot do; run 1 worker per instance`, s.server.evidence, s.id));
      }
    }
    if (s.bindHost && LOCAL_HOSTS.has(s.bindHost.value)) {
      out.push(diagnostic("warning", "bind-localhost", `${s.id} listens on ${s.bindHost.value}: a platform's router cannot reach it; bind 0.0.0.0`, s.bindHost.evidence, s.id));
    }
    if (s.server && !s.readsPortEnv.value && s.server.kind !== "next") {
      const port = s.port ? ` (${s.port.value})` : "";
      const other = s.readsPortEnv.evidence.find((e) => e.note?.startsWith("reads "))?.note;
      out.push(
        diagnostic("warning", "port-not-from-env", `${s.id} listens on a fixed port${port}${other ? `, ${other}` : ""}; Railway, Render, Heroku and Cloud Run route to $PORT`, [...(s.port?.evidence ?? []), ...s.readsPortEnv.evidence].slice(0, 2), s.id),
      );
    }
    // Ports other deploy files expect this service on.
    const project = projectOf.get(s.id);
    for (const d of declared) {
      if (!project || d.dir !== project.dir || d.port === undefined || !s.port) continue;
      if (d.role === "worker" || d.role === "datastore" || d.role === "release") continue;
      const portFromEnv = d.facts.portFromEnv !== undefined;
      if (d.port !== s.port.value && !(portFromEnv && s.readsPortEnv.value)) {
        out.push(
          diagnostic("warning", "deploy-port-mismatch", `${d.fileKind} expects ${s.id} on port ${d.port} but it listens on ${s.port.value}`, [d.evidence, ...s.port.evidence.slice(0, 1)], s.id),
        );
      }
    }
    for (const [file, facts] of repo.deploy) {
      if (!project || dirOf(file) !== project.dir || facts.deployFile.kind !== "dockerfile" || !s.port) continue;
      const exposed = facts.deployFile.exposedPorts ?? [];
      if (exposed.length > 0 && !exposed.includes(s.port.value) && !s.readsPortEnv.value) {
        out.push(diagnostic("info", "expose-mismatch", `Dockerfile EXPOSEs ${exposed.join(", ")} but ${s.id} listens on ${s.port.value}`, [at(file, facts.deployFile.exposeLine), ...s.port.evidence.slice(0, 1)], s.id));
      }
    }
  }
  return out;
}

/** Repository-wide risks: LFS and ignored models, committed secrets, competing manifests, Python versions, CUDA wheels, launchers. */
export function repoChecks(model: Omit<AppModel, "diagnostics" | "stats">, repo: CollectedRepo, projects: Project[], loosePython: string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of model.models.files) {
    if (m.lfsPointer) {
      out.push(diagnostic("warning", "model-lfs-pointer", `Git LFS pointer (${formatBytes(m.bytes)} of weights not in this checkout): a build from git gets the pointer unless LFS is fetched`, [at(m.path)]));
    }
  }
  for (const f of repo.ignoredModelFiles) {
    out.push(diagnostic("warning", "model-gitignored", "model file is .gitignored: a deploy from git will not have it", [at(f)]));
  }
  const envFiles = new Set(model.secrets.filter((s) => s.kind === "env-file").map((s) => s.file));
  for (const s of model.secrets) {
    if (envFiles.has(s.file)) continue; // a committed .env is reported once, with its variable names
    out.push(diagnostic("warning", "secret-committed", `${s.kind}${s.name ? ` in ${s.name}` : ""} committed; rotate it and read it from the environment`, [at(s.file, s.line)]));
  }
  for (const p of projects) {
    const kinds = new Set(p.manifests.map((m) => repo.manifests.get(m)?.kind).filter((k) => k === "requirements" || k === "pyproject" || k === "pipfile"));
    // Variants (requirements-dev.txt, requirements.prod.txt) install on purpose beside the main file.
    const withDeps = p.manifests.filter((m) => (repo.manifests.get(m)?.dependencies.length ?? 0) > 0 && !/requirements[-_.][\w.-]+\.(?:txt|in)$/.test(m));
    if (kinds.size > 1 && withDeps.length > 1) {
      out.push(diagnostic("info", "multiple-manifests", `${withDeps.join(" and ")} both declare dependencies; pip-based builders (Railpack, Nixpacks) install requirements.txt`, withDeps.map((m) => at(m))));
    }
    const versions = new Set(model.services.filter((s) => s.root === p.dir).map((s) => s.pythonVersion?.evidence ?? []).flat().map((e) => e.note?.replace(/^(requires )?python /, "")));
    const exact = [...versions].filter((v): v is string => !!v && /^\d+\.\d+/.test(v)).map((v) => v.split(".").slice(0, 2).join("."));
    if (new Set(exact).size > 1) {
      out.push(diagnostic("warning", "python-version-conflict", `files disagree on the Python version: ${[...new Set(exact)].join(" vs ")}`, model.services.find((s) => s.root === p.dir)?.pythonVersion?.evidence ?? []));
    }
  }
  for (const s of model.services) {
    if (s.torch?.present && !s.torch.cpuOnly && !s.gpu.value) {
      out.push(diagnostic("info", "torch-cuda-wheels", `${s.id} installs the default (CUDA) torch wheels but no GPU use was found: CPU wheels are ~2.5 GB smaller`, s.torch.evidence.slice(0, 1), s.id));
    }
  }
  // A loose script that starts the other services is a launcher: on a platform each runs on its own.
  for (const f of loosePython) {
    const facts = repo.python.get(f);
    if (!facts || facts.subprocesses.length === 0) continue;
    const starts = [...facts.subprocesses.filter((p) => !p.command.startsWith("…")), ...facts.commandLiterals];
    if (starts.length >= 2) {
      out.push(
        diagnostic("info", "launcher-script", `${f} starts ${starts.length} processes (${starts.map((p) => `${p.command}${p.cwd ? ` in ${p.cwd}` : ""}`).join("; ")}); on a platform each runs as its own service`, starts.map((p) => at(f, p.line))),
      );
    }
  }
  return out;
}
