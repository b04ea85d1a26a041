import type { AgentDescriptor, StepTarget } from '@agentos/contracts';
import { describeTarget, matches, type Slot } from './matching';
import type { QueuedTask } from './strategy';

// Human-readable reasons for Scheduler.waiting(), shown in progress output.

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface TargetStatus {
  /** Why every task of the target waits; undefined when some instance has a free slot. */
  reason?: string;
  free: Slot[];
}

/** The four reasons a whole target waits, worked out once per target rather than once per task. */
export function targetStatus(target: StepTarget, slots: readonly Slot[]): TargetStatus {
  const label = describeTarget(target);
  const matching = slots.filter((slot) => matches(target, slot.instance));
  if (matching.length === 0) {
    return { free: [], reason: target.agent ? `no live instance of ${label}` : `no live agent offers capability "${target.capability}"` };
  }
  const usable = matching.filter((slot) => slot.state !== 'open');
  if (usable.length === 0) return { free: [], reason: `circuit open on every instance of ${label}` };
  const free = usable.filter((slot) => slot.free > 0);
  if (free.length > 0) return { free };
  const busy = usable.reduce((sum, slot) => sum + slot.busy, 0);
  const total = usable.reduce((sum, slot) => sum + slot.instance.concurrency, 0);
  const probing = usable.filter((slot) => slot.state === 'half-open').length;
  const open = matching.length - usable.length;
  const notes = [probing > 0 ? `; ${probing} half-open (one probe at a time)` : '', open > 0 ? `; circuit open on ${open} more` : ''].join('');
  return { free, reason: `all ${plural(usable.length, 'instance')} of ${label} busy (${busy}/${total} slots)${notes}` };
}

/** A free instance exists: either plan has not run since, or every free one is vetoed for this task. */
export function readyReason(task: QueuedTask, free: readonly Slot[], excluded: ((task: QueuedTask, instance: AgentDescriptor) => boolean) | undefined): string {
  const label = describeTarget(task.target);
  if (excluded && free.every((slot) => excluded(task, slot.instance))) return `vetoed on every instance of ${label} with a free slot`;
  return `an instance of ${label} has a free slot: it goes out at the next plan`;
}
