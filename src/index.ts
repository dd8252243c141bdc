/** shipfit's library API. The CLI is a thin layer over these functions; none of them print. */
export { scan, type ScanOptions } from "./scan/scan.js";
export * from "./core/app-model.js";
export { UserError, UsageError, InputError, isUserError } from "./core/errors.js";
export { estimate, type EstimateOptions, type MeasuredFigures } from "./estimate/estimate.js";
export type { Footprint, ServiceFootprint, Figure, Part, Interval } from "./estimate/footprint.js";
export { plan } from "./plan/plan.js";
export type { PlanResult, PlanOption, PlanOptions } from "./plan/types.js";
export { loadCatalog } from "./catalog/load.js";
export { generate, TARGETS } from "./generate/index.js";
export type { GeneratedFile, TargetId } from "./generate/types.js";
