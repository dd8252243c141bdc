/**
 * What `shipfit doctor` recognises in a deploy or runtime log: one rule per failure, each a list of
 * bounded, unanchored-but-linear regexes tried line by line. Wordings come from platform docs and
 * public issues (see test/doctor/corpus.json for the source of each).
 */

/** Stable ids of the failures the doctor can name. */
export type DiagnosisId =
  | "oom-kill"
  | "worker-timeout"
  | "port-not-bound"
  | "missing-env"
  | "missing-module"
  | "missing-system-library"
  | "model-file-missing"
  | "image-too-large"
  | "build-timeout"
  | "no-space-left"
  | "health-check-timeout";

/** Facts pulled out of a matching line. Names and sizes only, never values. */
export interface DiagnosisDetail {
  limitMB?: number;
  usedMB?: number;
  process?: string;
  module?: string;
  variable?: string;
  library?: string;
  file?: string;
}

/** A regex run on lines a rule already matched, turning its groups into detail. */
export interface DetailPicker {
  pattern: RegExp;
  pick: (m: RegExpExecArray) => DiagnosisDetail;
}

export interface DoctorRule {
  id: DiagnosisId;
  title: string;
  severity: "error" | "warning";
  /** Lines that on their own establish the diagnosis. */
  patterns: RegExp[];
  /**
   * Lines that point to it only when nothing better explains them: a bare `signal 9` is an OOM kill
   * unless gunicorn's own timeout or a platform's boot/health timeout sent it.
   */
  weakPatterns?: RegExp[];
  /** When this rule matches, those rules' weak-only matches are its consequence, not another failure. */
  overrides?: DiagnosisId[];
  /** Lines that look like a match but are known harmless (an optional import a library falls back from). */
  ignore?: RegExp[];
  /** A line anywhere matching one of these cancels this rule's weak matches (e.g. also bound to 0.0.0.0). */
  unless?: RegExp[];
  details?: DetailPicker[];
  /** Detail read from the line after a strong match (a field name printed below its error). */
  nextLineDetail?: DetailPicker & { after: RegExp };
  remedy: string;
}

const mb = (value: string | undefined, unit: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) return undefined;
  const u = (unit ?? "M").toLowerCase();
  if (u.startsWith("k")) return Math.round(n / 1024);
  if (u.startsWith("g")) return Math.round(n * 1024);
  return Math.round(n);
};

/** Drop undefined fields so details merge cleanly. */
export function clean(d: DiagnosisDetail): DiagnosisDetail {
  const out: DiagnosisDetail = {};
  for (const [k, v] of Object.entries(d) as [keyof DiagnosisDetail, unknown][]) {
    if (v !== undefined && v !== "") (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export const DOCTOR_RULES: DoctorRule[] = [
  {
    id: "oom-kill",
    title: "Killed for using more memory than the plan allows",
    severity: "error",
    patterns: [
      /Out of memory: Kill(?:ed)? process/,
      /Memory cgroup out of memory/,
      /invoked oom-killer/,
      /\bOOMKilled\b/,
      /Process appears to have been OOM killed/,
      /ran out of memory and crashed/i,
      /Error R1[45] \(Memory quota (?:vastly )?exceeded\)/,
      /\bR15 \(Memory quota vastly exceeded\)/,
      /Ran out of memory \(used over \d{1,6} ?[MG]B\)/,
      /Memory limit of \d{1,7}(?:\.\d{1,3})? ?[MG]i?B? exceeded with \d{1,7}(?:\.\d{1,3})? ?[MG]i?B? used/,
      /Memory limit exceeded \(\d{1,6}(?:[MG]i?)?\)/,
      /OutOfMemoryError: Container killed due to memory usage/,
      /Runtime exited with error: signal: killed/,
      /Runtime\.OutOfMemory/,
      /is killed by signal: Killed/,
      /JavaScript heap out of memory/,
      /BuildJobOutOfMemory/,
    ],
    weakPatterns: [
      /\bSIGKILL\b/,
      /Signals\.SIGKILL/,
      /\bsignal:? 9\b/,
      /\bsignal: killed\b/,
      /(?:return ?code|returncode|exit code|exit status)[ :=]{0,3}-9\b/i,
      /\b(?:exit(?:ed)?(?: with)?(?: status| code)?|status|code)[ :=\t]{1,8}137\b/i,
      /^\s{0,40}Killed\s{0,40}$/,
      /^#\d{1,5} [\d.]{1,10} Killed\s{0,20}$/,
      /(?:^|[\s:])\d{1,8}\s{1,20}Killed\s{1,40}\S/,
      /Perhaps out of memory\?/,
      /Process running mem=\d{1,7}M\(\d{3,4}\.\d%\)/,
    ],
    details: [
      {
        pattern: /Killed process \d{1,10} \(([^)\s]{1,64})\)[^\n]{0,200}?anon-rss:(\d{1,12})kB/,
        pick: (m) => ({ process: m[1], usedMB: mb(m[2], "k") }),
      },
      { pattern: /memory: usage \d{1,12}kB, limit (\d{1,12})kB/, pick: (m) => ({ limitMB: mb(m[1], "k") }) },
      { pattern: /Ran out of memory \(used over (\d{1,6}) ?([MG])B\)/, pick: (m) => ({ limitMB: mb(m[1], m[2]) }) },
      {
        pattern: /Memory limit of (\d{1,7}(?:\.\d{1,3})?) ?([MG])i?B? exceeded with (\d{1,7}(?:\.\d{1,3})?) ?([MG])i?B? used/,
        pick: (m) => ({ limitMB: mb(m[1], m[2]), usedMB: mb(m[3], m[4]) }),
      },
      { pattern: /Memory limit exceeded \((\d{1,6})([MG])i?\)/, pick: (m) => ({ limitMB: mb(m[1], m[2]) }) },
      { pattern: /Process running mem=(\d{1,7})M\(/, pick: (m) => ({ usedMB: mb(m[1], "M") }) },
      { pattern: /Memory Size: (\d{1,6}) MB\s{1,10}Max Memory Used: (\d{1,6}) MB/, pick: (m) => ({ limitMB: mb(m[1], "M"), usedMB: mb(m[2], "M") }) },
      { pattern: /\b(\w{1,40}) subprocess failed with return code -9/, pick: (m) => ({ process: m[1] }) },
    ],
    remedy:
      "The process went over its memory limit and was killed. Run `shipfit probe --plan <platform:plan> -- <start command>` " +
      "to measure the real peak, then `shipfit estimate` / `shipfit plan` to pick a plan with room (a bigger plan), or cut the " +
      "footprint: gunicorn `--preload` with fewer workers (`WEB_CONCURRENCY=1`), CPU-only torch wheels, a smaller or " +
      "quantised model, or remote inference instead of loading the model in the web process.",
  },
  {
    id: "worker-timeout",
    title: "The server killed its own worker after a timeout",
    severity: "error",
    patterns: [/\[CRITICAL\] WORKER TIMEOUT/, /\bWORKER TIMEOUT \(pid:\d{1,10}\)/],
    overrides: ["oom-kill"],
    remedy:
      "gunicorn's arbiter killed a worker that stopped answering (the `signal 9` / `SIGKILL` that follows is gunicorn's, not " +
      "the kernel's). Either a request or the model load is slower than `--timeout` (raise it, load the model once with " +
      "`--preload`, or move slow work to a background worker), or the app is thrashing just under the memory limit — " +
      "`shipfit probe --plan <platform:plan>` shows how close the peak is; `shipfit plan` suggests a plan with headroom.",
  },
  {
    id: "port-not-bound",
    title: "The app never listened on the platform's $PORT",
    severity: "error",
    patterns: [
      /Error R10 \(Boot timeout\)/,
      /failed to bind to \$PORT/,
      /[Ff]ailed to start and (?:then )?listen on the port defined/,
      /[Nn]o open ports detected/,
      /Port scan timeout reached/,
    ],
    weakPatterns: [
      /Listening at: https?:\/\/(?:127\.0\.0\.1|localhost)[:/]/,
      /Uvicorn running on https?:\/\/(?:127\.0\.0\.1|localhost)[:/]/,
      /Running on https?:\/\/(?:127\.0\.0\.1|localhost)[:/]/,
      /Hypercorn[^\n]{0,40}? running on https?:\/\/(?:127\.0\.0\.1|localhost)[:/]/,
      /You can now view your Streamlit app[^\n]{0,40}/,
    ],
    unless: [
      /Running on all addresses/,
      /(?:Listening at|running on|Running on):? https?:\/\/(?:0\.0\.0\.0|\[::\])/i,
      /Network URL: https?:\/\//,
    ],
    overrides: ["oom-kill", "health-check-timeout"],
    remedy:
      "The platform routes traffic to the port in `$PORT` on 0.0.0.0; the app listened elsewhere (127.0.0.1, or a fixed " +
      "port) or not at all before the boot deadline. Start it with `--bind 0.0.0.0:$PORT` (gunicorn), `--host 0.0.0.0 " +
      "--port $PORT` (uvicorn), `--server.address 0.0.0.0 --server.port $PORT` (Streamlit); `shipfit generate docker` " +
      "writes a start command that does this. If the model load takes longer than the boot window, load it lazily or " +
      "raise the platform's boot/health timeout.",
  },
  {
    id: "missing-env",
    title: "A required environment variable is not set",
    severity: "error",
    patterns: [
      /KeyError: '[A-Z][A-Z0-9_]{1,80}'/,
      /[Ee]nvironment variable [`'"]?[A-Za-z_][A-Za-z0-9_]{0,80}[`'"]? (?:is not set|not set|is missing|is required|must be set)/,
      /\b[A-Z][A-Z0-9_]{1,80} (?:environment variable|env var) (?:is not set|not set|is missing|is required|must be set)/,
      /[Mm]issing (?:required )?environment variables?:? [`'"]?[A-Z][A-Z0-9_]{1,80}/,
      // openai and most SDKs: "… must be set either by passing api_key … or by setting the OPENAI_API_KEY environment variable".
      /(?:must be set|is not set|not found|is missing)[^\n]{0,160}? by setting the [A-Z][A-Z0-9_]{1,80} environment variable/,
      /validation errors? for \w{0,60}Settings\b/,
    ],
    details: [
      { pattern: /KeyError: '([A-Z][A-Z0-9_]{1,80})'/, pick: (m) => ({ variable: m[1] }) },
      { pattern: /\b([A-Z][A-Z0-9_]{1,80}) (?:environment variable|env var)/, pick: (m) => ({ variable: m[1] }) },
      {
        pattern: /[Ee]nvironment variables?:? [`'"]?([A-Za-z_][A-Za-z0-9_]{0,80})[`'"]?/,
        pick: (m) => ({ variable: m[1] }),
      },
    ],
    // pydantic prints the missing field on the line after "N validation errors for Settings".
    nextLineDetail: {
      after: /validation errors? for \w{0,60}Settings\b/,
      pattern: /^\s{0,4}([A-Za-z_][A-Za-z0-9_]{0,80})\s{0,4}$/,
      pick: (m) => ({ variable: m[1] }),
    },
    remedy:
      "The app reads a variable the deploy does not define. Set it in the platform's variables (Railway → Variables, " +
      "Render → Environment, `fly secrets set NAME=…`, `heroku config:set NAME=…`) — never commit its value; " +
      "`shipfit scan` lists the variables the code reads and which ones are secrets.",
  },
  {
    id: "missing-module",
    title: "A Python or Node module is not installed",
    severity: "error",
    patterns: [
      /ModuleNotFoundError: No module named '[^'\s]{1,120}'/,
      /ImportError: No module named '?[A-Za-z_][\w.]{0,120}/,
      /Error: Cannot find module '[^'\n]{1,200}'/,
      /Module not found: (?:Error: )?Can't resolve '[^'\n]{1,200}'/,
    ],
    // soundfile tries its bundled `_soundfile_data` first; the real failure is the sndfile line after it.
    ignore: [/No module named '_soundfile_data'/],
    details: [
      { pattern: /No module named '?([A-Za-z_][\w.]{0,120})/, pick: (m) => ({ module: m[1] }) },
      { pattern: /Cannot find module '([^'\n]{1,200})'/, pick: (m) => ({ module: m[1] }) },
      { pattern: /Can't resolve '([^'\n]{1,200})'/, pick: (m) => ({ module: m[1] }) },
    ],
    remedy:
      "The package is imported but not installed in the deployed image: add it to requirements.txt / pyproject " +
      "(or package.json dependencies, not devDependencies), check the build installed the same file, and that the " +
      "import name matches the package (cv2 → opencv-python-headless, sklearn → scikit-learn). `shipfit scan` reports " +
      "imports with no declared package.",
  },
  {
    id: "missing-system-library",
    title: "A system library or tool is missing from the image",
    severity: "error",
    patterns: [
      /lib[\w+-]{1,60}\.so(?:\.\d{1,6}){0,4}: cannot open shared object file/,
      /OSError: (?:cannot load library '[^'\n]{1,120}'|sndfile library not found)/,
      /(?:ffmpeg|ffprobe|avconv)(?: was)? not found/i,
      /Couldn't find ffmpeg or avconv/,
      /No such file or directory: '(?:ffmpeg|ffprobe|tesseract|pdftoppm|espeak(?:-ng)?)'/,
      /(?:tesseract|espeak(?:-ng)?|poppler)[^\n]{0,40}? (?:is )?not installed/i,
    ],
    details: [
      { pattern: /(lib[\w+-]{1,60}\.so(?:\.\d{1,6}){0,4}): cannot open/, pick: (m) => ({ library: m[1] }) },
      { pattern: /cannot load library '([^'\n]{1,120})'/, pick: (m) => ({ library: m[1] }) },
      { pattern: /(sndfile) library not found/, pick: () => ({ library: "libsndfile" }) },
      { pattern: /\b(ffmpeg|ffprobe|avconv|tesseract|pdftoppm|espeak-ng|espeak|poppler)\b/i, pick: (m) => ({ library: m[1]?.toLowerCase() }) },
    ],
    remedy:
      "A Python wheel needs a shared library or a binary the slim base image does not ship (libGL for opencv, libgomp " +
      "for torch/lightgbm, libsndfile for soundfile, ffmpeg for audio). `shipfit generate docker` adds the apt packages " +
      "the scanned dependencies need; or switch to a variant that needs none (opencv-python-headless).",
  },
  {
    id: "model-file-missing",
    title: "A model file is not where the app loads it from",
    severity: "error",
    patterns: [
      /(?:FileNotFoundError|No such file or directory)[^\n]{0,300}?\.(?:joblib|pkl|pickle|pt|pth|bin|safetensors|onnx|h5|keras|ckpt|gguf|ggml|model|npz|tflite|pb)\b/,
      /does not appear to have a file named/,
      /Error no file named \[?'?(?:pytorch_model\.bin|model\.safetensors)/,
      /version https:\/\/git-lfs\.github\.com\/spec/,
      /invalid load key, 'v'/,
    ],
    details: [
      {
        pattern: /['"]([^'"\n]{0,200}?\.(?:joblib|pkl|pickle|pt|pth|bin|safetensors|onnx|h5|keras|ckpt|gguf|ggml|model|npz|tflite|pb))['"]/,
        pick: (m) => ({ file: m[1] }),
      },
    ],
    remedy:
      "The weights are not in the deployed filesystem: ignored by git or .dockerignore, a Git LFS pointer (`invalid load " +
      "key, 'v'`), or written at runtime to an ephemeral disk that a restart wiped. `shipfit models push` uploads them " +
      "to storage the app downloads from at boot (or to a volume); `shipfit generate docker` can bake them into the image instead.",
  },
  {
    id: "image-too-large",
    title: "The image, slug or bundle is over the platform's size limit",
    severity: "error",
    patterns: [
      /exceeds maximum of \d{1,4} ?GB uncompressed/,
      /exceeded the unzipped maximum size of \d{1,5} ?MB/,
      /Compiled slug size:? [\d.]{1,10} ?[MG]B? is too large/,
      /[Ii]mage (?:size )?(?:of size )?[^\n]{0,40}?(?:exceeds|exceeded) (?:the )?(?:maximum|limit|max)/,
      /[Ii]mage size exceeds/,
      /Slug size exceeds/,
    ],
    details: [
      { pattern: /exceeds maximum of (\d{1,4}) ?GB/, pick: (m) => ({ limitMB: mb(m[1], "G") }) },
      { pattern: /maximum size of (\d{1,5}) ?MB/, pick: (m) => ({ limitMB: mb(m[1], "M") }) },
      { pattern: /slug size:? ([\d.]{1,10}) ?([MG])B? is too large \(max is (\d{1,6}) ?([MG])/, pick: (m) => ({ usedMB: mb(m[1], m[2]), limitMB: mb(m[3], m[4]) }) },
    ],
    remedy:
      "Most of an AI image is CUDA torch and baked-in weights. `shipfit estimate` shows where the size goes; " +
      "`shipfit generate docker` uses the CPU-only torch index and a multi-stage build, and `shipfit models push` " +
      "keeps model files out of the image.",
  },
  {
    id: "build-timeout",
    title: "The build ran past the platform's time limit",
    severity: "error",
    patterns: [
      /\bBuildJobTimeout\b/,
      /[Bb]uild (?:has )?timed out/,
      /[Bb]uild (?:job )?(?:failed because it )?timed out after/,
      /[Bb]uild exceeded (?:the )?maximum (?:build )?(?:duration|time)/,
      /The deployment failed: TIME_LIMIT/,
      /timed out (?:pushing|exporting|uploading) (?:the )?image/i,
    ],
    remedy:
      "Installing CUDA torch and downloading weights dominates build time. `shipfit generate docker` pins the CPU-only " +
      "torch wheels and orders layers so dependencies are cached; `shipfit models push` moves model downloads out of the build.",
  },
  {
    id: "no-space-left",
    title: "The disk filled up",
    severity: "error",
    patterns: [
      /No space left on device/,
      /\bENOSPC\b(?!: System limit for number of file watchers)/,
      /storage limit exceeded/i,
    ],
    remedy:
      "The build or the ephemeral disk is full — usually CUDA wheels, the pip cache or model downloads. `shipfit generate " +
      "docker` installs CPU-only torch with `--no-cache-dir`; `shipfit models push` stores weights on a volume or bucket; " +
      "point `HF_HOME` to a volume if the model cache must persist.",
  },
  {
    id: "health-check-timeout",
    title: "The health check never passed",
    severity: "error",
    patterns: [
      /Healthcheck failed!?/,
      /replicas? never became healthy/,
      /Attempt #\d{1,4} failed with (?:service unavailable|status)/,
      /[Hh]ealth check[^\n]{0,80}? (?:has failed|failed|failing|critical)/,
      /\(unhealthy\)|\bis unhealthy\b|health_status: unhealthy|Status: unhealthy/,
      /Launch timed out,? space was not healthy/,
    ],
    weakPatterns: [/^\s{0,20}(?:==> ?)?Timed out\s{0,20}$/],
    overrides: ["oom-kill"],
    remedy:
      "The app did not answer the health check in time — usually a model load longer than the window, or the wrong " +
      "port/path. `shipfit probe --url /health` measures time to healthy; `shipfit generate docker` sets a health " +
      "start period longer than that, and the platform's health timeout (e.g. Railway `healthcheckTimeout`) can be raised.",
  },
];

/** Detail from one line, via the rule's pickers (first picker that matches each field wins). */
export function pickDetail(rule: DoctorRule, text: string): DiagnosisDetail {
  let out: DiagnosisDetail = {};
  for (const d of rule.details ?? []) {
    const m = d.pattern.exec(text);
    if (m) out = { ...clean(d.pick(m)), ...out };
  }
  return out;
}
