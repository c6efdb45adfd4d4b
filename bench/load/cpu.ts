/**
 * Where the machine's CPU went during a measured stretch, read from /proc (Linux only): each
 * process's user+system time, so a figure per message can be split between the service, the
 * database server and the load generator that share the cores.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticks: number | undefined;

function ticksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** CPU milliseconds a process has used so far, or null where /proc cannot tell. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** The pid of a running program by its command name (e.g. mariadbd), if there is one. */
export function pidOf(comm: string): number | null {
  try {
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === comm) return Number(d);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return null;
}

export interface CpuShare {
  service: number;
  database: number | null;
  generator: number;
}

/** Starts a stretch; the returned function ends it and gives CPU ms per unit of work for each part. */
export function measureCpu(servicePids: number[], database: 'mariadbd' | null): (units: number) => CpuShare | null {
  const db = database ? pidOf(database) ?? pidOf('mysqld') : null;
  const sum = () => servicePids.reduce<number | null>((n, p) => {
    const c = cpuMs(p);
    return n === null || c === null ? null : n + c;
  }, 0);
  const s0 = sum();
  const d0 = db ? cpuMs(db) : null;
  const g0 = process.cpuUsage();
  return (units) => {
    const s1 = sum();
    const d1 = db ? cpuMs(db) : null;
    const g = process.cpuUsage(g0);
    if (s0 === null || s1 === null || units <= 0) return null;
    return {
      service: (s1 - s0) / units,
      database: d0 !== null && d1 !== null ? (d1 - d0) / units : null,
      generator: (g.user + g.system) / 1000 / units,
    };
  };
}

/** The machine's CPU counters so far (/proc/stat: all cores), or null without /proc. */
function machineTicks(): { steal: number; total: number } | null {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice; guests are already in user.
    return { steal: cpu[7] ?? 0, total: cpu.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/**
 * Starts a stretch; the returned function gives the share of the machine's CPU time that the
 * hypervisor gave to other guests meanwhile (steal): on a shared virtual machine, a run with much
 * of it measured a slower machine.
 */
export function measureSteal(): () => number | null {
  const t0 = machineTicks();
  return () => {
    const t1 = machineTicks();
    if (!t0 || !t1 || t1.total === t0.total) return null;
    return (t1.steal - t0.steal) / (t1.total - t0.total);
  };
}
