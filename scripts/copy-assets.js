/**
 * Copies data files the code reads at run time (not imported) into dist/: the catalog platforms, and
 * the Python model loader that `shipfit generate` writes into Python images.
 */
import { cpSync } from "node:fs";

cpSync(new URL("../src/catalog/platforms/", import.meta.url), new URL("../dist/catalog/platforms/", import.meta.url), { recursive: true });
cpSync(new URL("../src/generate/assets/", import.meta.url), new URL("../dist/generate/assets/", import.meta.url), { recursive: true, filter: (src) => !/__pycache__|\.pyc$/.test(src) });
