/** Copies data files the code reads at run time (not imported) into dist/: the catalog platforms. */
import { cpSync } from "node:fs";

cpSync(new URL("../src/catalog/platforms/", import.meta.url), new URL("../dist/catalog/platforms/", import.meta.url), { recursive: true });
