/** The scan every command starts from, with its progress line on stderr (cleared even when it fails). */
import type { AppModel } from "../core/app-model.js";
import { scan } from "../scan/scan.js";
import { progress } from "./output.js";

export async function scanWithProgress(dir: string, options: { cache: boolean }): Promise<AppModel> {
  const bar = progress("scanning");
  try {
    return await scan(dir, { cache: options.cache, onProgress: (phase, done, total) => bar.update(`${phase} ${done}/${total}`) });
  } finally {
    bar.done();
  }
}
