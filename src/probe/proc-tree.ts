/**
 * Memory of a process tree on Linux, read from /proc: the descendants through each thread's
 * `children` file (cheap: no scan of every pid), and per process the resident set (VmRSS) and the
 * kernel's own high-water mark (VmHWM) from `status`. Processes vanish between two reads; a read
 * that fails only drops that process from the sample.
 */
import { readFileSync, readdirSync } from "node:fs";

export interface ProcessMemory {
  pid: number;
  /** Command name (comm), e.g. python3. */
  name: string;
  rssMB: number;
  /** Peak RSS the kernel recorded for this process so far. */
  hwmMB: number;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Whether this OS gives what the sampler reads. */
export function procAvailable(): boolean {
  return read(`/proc/${process.pid}/status`) !== undefined;
}

/** The pid and all its living descendants, parents first. */
export function treePids(root: number): number[] {
  const out: number[] = [];
  const queue = [root];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    out.push(pid);
    for (const tid of tasks) {
      const children = read(`/proc/${pid}/task/${tid}/children`);
      if (!children) continue;
      for (const c of children.split(" ")) if (c.trim()) queue.push(Number(c));
    }
  }
  return out;
}

const VM_RSS = /^VmRSS:\s+(\d+) kB/m;
const VM_HWM = /^VmHWM:\s+(\d+) kB/m;
const NAME = /^Name:\s+(.*)$/m;
const mb = (status: string, re: RegExp): number => {
  const m = re.exec(status);
  return m ? Number(m[1]) / 1024 : 0;
};

/** One process's memory, or undefined when it is gone (or a zombie, which holds no memory). */
export function processMemory(pid: number): ProcessMemory | undefined {
  const status = read(`/proc/${pid}/status`);
  if (!status) return undefined;
  const name = NAME.exec(status)?.[1] ?? "?";
  return { pid, name, rssMB: mb(status, VM_RSS), hwmMB: mb(status, VM_HWM) };
}

/** Memory of the whole tree under root at this instant. */
export function sampleTree(root: number): ProcessMemory[] {
  const out: ProcessMemory[] = [];
  for (const pid of treePids(root)) {
    const m = processMemory(pid);
    if (m) out.push(m);
  }
  return out;
}

const PACKAGE_IN_PATH = /\/(?:site|dist)-packages\/([A-Za-z0-9_]+)/g;

/**
 * The Python packages whose native libraries a process has mapped (torch, numpy, xgboost…): read
 * from /proc/<pid>/maps, they tell what it was loading when its memory grew. Empty when unreadable.
 */
export function mappedPackages(pid: number): Set<string> {
  const maps = read(`/proc/${pid}/maps`);
  const out = new Set<string>();
  if (!maps) return out;
  for (const m of maps.matchAll(PACKAGE_IN_PATH)) {
    const name = m[1] as string;
    // numpy.libs, scipy.libs: vendored libraries belong to their package.
    out.add(name.replace(/\.libs$/, ""));
  }
  return out;
}
