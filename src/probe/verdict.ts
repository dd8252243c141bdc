/** Limits from the user's words and the catalog, and what a measured peak means for each plan. */
import type { Platform } from "../catalog/schema.js";

/** "512M", "512MB", "1G", "1.5GiB", "768" (MB) → MB; undefined when it is not a size. */
export function parseSizeMB(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "m").toLowerCase()[0];
  const mb = unit === "g" ? n * 1024 : unit === "k" ? n / 1024 : n;
  return mb > 0 ? mb : undefined;
}

export interface PlanVerdict {
  plan: string;
  name: string;
  ramMB: number;
  fits: boolean;
  /** MB left (positive) or missing (negative) under the plan's RAM limit. */
  marginMB: number;
}

/** Every plan's RAM limit against the measured peak, smallest limit first. */
export function planVerdicts(peakMB: number, catalog: Platform[]): PlanVerdict[] {
  const out: PlanVerdict[] = [];
  for (const platform of catalog) {
    for (const p of platform.plans) {
      const ramMB = p.limits.ramMB.value;
      out.push({ plan: p.id, name: `${platform.name} ${p.name}`, ramMB, fits: peakMB <= ramMB, marginMB: Math.round(ramMB - peakMB) });
    }
  }
  return out.sort((a, b) => a.ramMB - b.ramMB || a.plan.localeCompare(b.plan));
}

/** The RAM limit of a catalog plan id (railway:free), or undefined when the catalog has no such plan. */
export function planLimitMB(planId: string, catalog: Platform[]): number | undefined {
  for (const platform of catalog) for (const p of platform.plans) if (p.id === planId) return p.limits.ramMB.value;
  return undefined;
}
