/**
 * CPU time spent on a piece of work: this process (every service and agent of the bench) and the nats-server beside
 * it (its utime + stime from /proc, Linux). Unlike wall-clock rates it holds steady on a shared, noisy machine, so
 * two versions of the code compare on it.
 */
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SEC = 100; // USER_HZ on Linux

/** The CPU time (user + system) another process has used so far, in milliseconds. */
export function cpuMsOf(pid: number): number {
  try {
    // Fields after the command's closing parenthesis: state is the 1st, utime the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC) * 1000;
  } catch {
    return Number.NaN; // not Linux, or the server is gone
  }
}

export interface CpuCost {
  /** This process (services, agents, the bench's client), milliseconds per unit. */
  processMs: number;
  /** The nats-server, milliseconds per unit (NaN where /proc is not readable). */
  natsServerMs: number;
}

/** Starts measuring; call the result with the number of units done to get the CPU per unit. */
export function cpuMeter(natsServerPid: number): (units: number) => CpuCost {
  const process0 = process.cpuUsage();
  const server0 = cpuMsOf(natsServerPid);
  return (units) => {
    const used = process.cpuUsage(process0);
    return { processMs: (used.user + used.system) / 1000 / units, natsServerMs: (cpuMsOf(natsServerPid) - server0) / units };
  };
}
