/**
 * What the kernel says about a process (resident memory, CPU time) and
 * about the machine, read from /proc.
 */

/** Resident memory of `pid` in KiB (VmRSS), or `null` once it has exited. */
export function readRssKiB(pid: number): number | null {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * `pid` and all its descendants, from /proc/<pid>/task/<tid>/children: a
 * server that forks workers (the cluster) is measured as a whole.
 */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of Deno.readDirSync(`/proc/${out[i]}/task`)) {
        const children = Deno.readTextFileSync(
          `/proc/${out[i]}/task/${task.name}/children`,
        );
        out.push(...children.trim().split(/\s+/).filter(Boolean).map(Number));
      }
    } catch {
      // The process or thread ended while being listed.
    }
  }
  return out;
}

/** Resident memory of `pid` and its descendants in KiB, or `null` once it has exited. */
export function readTreeRssKiB(pid: number): number | null {
  const own = readRssKiB(pid);
  if (own === null) return null;
  return processTree(pid).slice(1).reduce(
    (sum, child) => sum + (readRssKiB(child) ?? 0),
    own,
  );
}

/** Resident memory of each of `pids` in KiB (`null` for one that has exited). */
export function readRssEach(
  pids: readonly number[],
): { pid: number; kib: number | null }[] {
  return pids.map((pid) => ({ pid, kib: readRssKiB(pid) }));
}

/** The command name of `pid` (/proc/<pid>/comm), or `null` once it has exited. */
export function processName(pid: number): string | null {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/comm`).trim();
  } catch {
    return null;
  }
}

/**
 * The first descendant of `pid` named `name` (e.g. the `redis-server` the
 * benchmark started), or `null`.
 */
export function descendantNamed(pid: number, name: string): number | null {
  return processTree(pid).slice(1).find((p) => processName(p) === name) ??
    null;
}

/** The machine's load average over the last minute (/proc/loadavg), or `null`. */
export function readLoadAverage(): number | null {
  try {
    const first = Deno.readTextFileSync("/proc/loadavg").split(" ")[0];
    const load = Number(first);
    return Number.isFinite(load) ? load : null;
  } catch {
    return null;
  }
}

/** Memory in use on the whole machine (MemTotal − MemAvailable) in KiB. */
export function readMachineUsedKiB(): number | null {
  try {
    const info = Deno.readTextFileSync("/proc/meminfo");
    const total = /^MemTotal:\s+(\d+)/m.exec(info);
    const available = /^MemAvailable:\s+(\d+)/m.exec(info);
    return total && available ? Number(total[1]) - Number(available[1]) : null;
  } catch {
    return null;
  }
}

/**
 * CPU time of `pid` in nanoseconds, summed over its threads from
 * /proc/<pid>/task/<tid>/schedstat (exact, unlike the 10 ms ticks of
 * /proc/<pid>/stat, which would swamp a fan-out that lasts 50 ms); `null`
 * once it has exited.
 */
export function readCpuNs(pid: number): number | null {
  let total = 0;
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      try {
        const stat = Deno.readTextFileSync(
          `/proc/${pid}/task/${task.name}/schedstat`,
        );
        total += Number(stat.slice(0, stat.indexOf(" ")));
      } catch {
        // The thread ended between listing and reading.
      }
    }
  } catch {
    return null;
  }
  return total;
}

/** CPU seconds used by a set of processes between two moments. */
export class CpuMeter {
  #start: number[];

  constructor(readonly pids: number[]) {
    this.#start = pids.map((pid) => readCpuNs(pid) ?? 0);
  }

  /** CPU seconds since construction, summed over the processes. */
  seconds(): number {
    let total = 0;
    this.pids.forEach((pid, i) => {
      total += (readCpuNs(pid) ?? this.#start[i]) - this.#start[i];
    });
    return total / 1e9;
  }
}

/** How busy the whole machine was over a window (every process, every core). */
export interface MachineUsage {
  /** Busy time as % of one core: 200 is two cores fully busy. */
  busyPct: number;
  /** Time the hypervisor gave to other guests, as % of one core. */
  stealPct: number;
}

function readMachineJiffies(): number[] {
  try {
    const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
    return line.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return [];
  }
}

/**
 * Machine-wide CPU over a window, from /proc/stat: tells whether something
 * besides the client and the server was using the cores.
 */
export class MachineMeter {
  #start = readMachineJiffies();

  /** Usage since construction; `null` where /proc/stat is unreadable. */
  usage(): MachineUsage | null {
    const end = readMachineJiffies();
    if (end.length < 8 || this.#start.length < 8) return null;
    const d = end.map((v, i) => v - (this.#start[i] ?? 0));
    // user nice system idle iowait irq softirq steal
    const busy = d[0] + d[1] + d[2] + d[5] + d[6];
    const all = d.slice(0, 8).reduce((a, b) => a + b, 0);
    if (all <= 0) return null;
    const cores = navigator.hardwareConcurrency;
    return {
      busyPct: (busy / all) * cores * 100,
      stealPct: (d[7] / all) * cores * 100,
    };
  }
}

/** CPU time of `pid` and its descendants in nanoseconds; `null` once it has exited. */
export function readTreeCpuNs(pid: number): number | null {
  const own = readCpuNs(pid);
  if (own === null) return null;
  return processTree(pid).slice(1).reduce(
    (sum, child) => sum + (readCpuNs(child) ?? 0),
    own,
  );
}

/** How long `waitIdle` sees a process quiet before it says so. */
export const IDLE_QUIET_MS = 300;

/**
 * Waits until `pid` (with its descendants) has used under 2% of a core in each of two consecutive
 * `windowMs` windows (it has read every pending request), or until
 * `timeoutMs`. Resolves with whether it went idle.
 */
export async function waitIdle(
  pid: number,
  timeoutMs: number,
  windowMs = IDLE_QUIET_MS / 2,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let last = readTreeCpuNs(pid);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = readTreeCpuNs(pid);
    if (now === null || last === null) return false;
    quiet = now - last <= windowMs * 1e6 * 0.02 ? quiet + 1 : 0;
    if (quiet >= 2) return true;
    last = now;
  }
  return false;
}

/** The machine a run happened on. */
export interface MachineInfo {
  cores: number;
  nproc: number | null;
  memTotalKiB: number | null;
  cpuModel: string | null;
  deno: string;
  v8: string;
  os: string;
  openFileLimit: number | null;
  /** The kernel's cap on a listen backlog (net.core.somaxconn). */
  somaxconn: number | null;
  /** Source ports a connection may take (net.ipv4.ip_local_port_range), per destination address and port. */
  localPorts: number | null;
}

/** How many ports the range "low high" (ip_local_port_range's format) holds, or `null`. */
export function portCount(range: string): number | null {
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(range);
  if (!match) return null;
  const [low, high] = [Number(match[1]), Number(match[2])];
  return high >= low ? high - low + 1 : null;
}

/** Cores, memory, CPU model, Deno version, open-file limit and socket limits of this machine. */
export async function machineInfo(): Promise<MachineInfo> {
  const read = (path: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return "";
    }
  };
  const run = async (cmd: string, args: string[]) => {
    try {
      const out = await new Deno.Command(cmd, { args }).output();
      return new TextDecoder().decode(out.stdout).trim();
    } catch {
      return "";
    }
  };
  const mem = /^MemTotal:\s+(\d+)/m.exec(read("/proc/meminfo"));
  const model = /^model name\s*:\s*(.+)$/m.exec(read("/proc/cpuinfo"));
  const limit = /^Max open files\s+(\d+)/m.exec(read("/proc/self/limits"));
  return {
    cores: navigator.hardwareConcurrency,
    nproc: Number(await run("nproc", [])) || null,
    memTotalKiB: mem ? Number(mem[1]) : null,
    cpuModel: model ? model[1].trim() : null,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    openFileLimit: limit ? Number(limit[1]) : null,
    somaxconn: Number(read("/proc/sys/net/core/somaxconn")) || null,
    localPorts: portCount(read("/proc/sys/net/ipv4/ip_local_port_range")),
  };
}
