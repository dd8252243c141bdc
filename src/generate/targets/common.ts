/** Helpers the target generators share: names, the Dockerfile a service builds from, mount paths. */
import type { GenerateContext, ServicePlan } from "../types.js";

/** A lowercase name safe for services, apps and files (`ai-ko-backend-web`). */
export function slug(text: string, sep = "-"): string {
  const escaped = sep.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.toLowerCase().replace(/[^a-z0-9]+/g, sep).replace(new RegExp(`^${escaped}+|${escaped}+$`, "g"), "") || "app";
}

/** The service whose start command the Dockerfile in `root` runs: the first non-worker there. */
export function dockerfileOwner(ctx: GenerateContext, root: string): ServicePlan | undefined {
  const here = ctx.services.filter((s) => s.root === root);
  return here.find((s) => s.service.kind !== "worker") ?? here[0];
}

/** SQLite files a service writes straight into its working directory: no volume can be mounted over the code. */
export function cwdFiles(ctx: GenerateContext, s: ServicePlan): string[] {
  const prefix = s.root === "." ? "" : `${s.root}/`;
  return ctx.model.diskWrites
    .filter((w) => w.service === s.service.id && w.kind === "sqlite" && !w.path.startsWith("${"))
    .map((w) => w.path.replace(/^\.\//, ""))
    .map((p) => (prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p))
    .filter((p) => !p.includes("/"));
}

/** Where a durable folder of the app lives in the image (`/app/uploads`), if it can be a mount. */
export function mountPath(p: string): string | undefined {
  const clean = p.replace(/^\.\/+/, "").replace(/\/+$/, "");
  if (!clean || clean === "." || clean.startsWith("..") || clean.startsWith("/")) return undefined;
  return `/app/${clean}`;
}
