/** The Plan: for every hosting plan, whether each service fits and why, and what a month costs. */

export type Verdict = "ok" | "risk" | "blocker";

/** One fit rule's answer for one service on one plan. */
export interface FitCheck {
  rule: "ram" | "image" | "websockets" | "worker" | "disk" | "sleep" | "timeout" | "services" | "gpu" | "credit";
  verdict: Verdict;
  message: string;
}

export interface CostLine {
  label: string;
  kind: "compute" | "database" | "storage" | "egress" | "fee" | "credit";
  usd: number;
  source: string;
}

export interface Cost {
  compute: number;
  database: number;
  storage: number;
  egress: number;
  /** Subscription fees minus included usage credit (never below zero overall). */
  fees: number;
  total: number;
  lines: CostLine[];
}

export interface ServiceFit {
  service: string;
  fits: boolean;
  /** Instance type or memory size chosen for it, when the plan sells sizes. */
  size?: string;
  /** Memory the plan is asked for: the estimate's peak (or steady) plus headroom, MB. */
  ramNeedMB: number;
  /** What the plan (or the chosen size) gives, MB. */
  ramLimitMB: number;
  checks: FitCheck[];
}

export interface PlanOption {
  planId: string;
  platform: string;
  platformName: string;
  planName: string;
  /** Every service fits (risks allowed, no blocker). */
  fits: boolean;
  /** A free tier (no fee, free compute or a free allowance): where small teams start. */
  freeTier: boolean;
  services: ServiceFit[];
  cost: Cost;
  /** Risks worth reading even when it fits (sleep, ephemeral disk, expiring database…). */
  risks: string[];
  confidence: "vendor" | "second-hand" | "recalled";
}

export interface Scenario {
  id: "free" | "budget" | "production";
  title: string;
  /** Best option for the scenario, if any fits. */
  planId?: string;
  monthlyUSD?: number;
  why: string;
}

export interface VariantResult {
  id: "remote-inference" | "cpu-torch" | "models-to-storage" | "merge-services";
  title: string;
  /** What changes in the app. */
  change: string;
  /** Plans that fit with the variant and did not before. */
  newlyFits: string[];
  cheapest?: { planId: string; monthlyUSD: number };
  /** Peak RAM and image size of the largest service, before → after. */
  ramMB: { before: number; after: number };
  imageMB: { before: number; after: number };
  options: PlanOption[];
}

export interface PlanResult {
  options: PlanOption[];
  scenarios: Scenario[];
  variants: VariantResult[];
  /** The traffic and headroom assumptions the costs rest on. */
  assumptions: string[];
}

export interface PlanOptions {
  budgetUSD?: number;
  alwaysOn?: boolean;
  users?: number;
  region?: string;
  /** Compute the what-if variants (on by default). */
  variants?: boolean;
}
