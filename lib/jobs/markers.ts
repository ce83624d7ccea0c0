// Where a step's markers live in the job item, and a step's completion as fields any write can
// carry: a step whose last write is a job write marks itself done in that write (one UpdateItem
// instead of two), and runStep then skips its own completeStep.
import type { Expr } from './expr';
import { writePath } from './table';

export const leasePath = (step: string) => `leases.${step}`;
export const donePath = (step: string) => `done.${step}`;

/** The conditions under which a step is free at `now`: not done, and no lease still running. */
export function stepFreeConditions(e: Expr, step: string, now: number): string[] {
  const lease = e.name(leasePath(step));
  return [`attribute_not_exists(${e.name(donePath(step))})`, `(attribute_not_exists(${lease}) OR ${lease} < ${e.value(now)})`];
}

/** Step leases (step → expiry ms) as the item fields a write sets. */
export const leaseFields = (leases: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(leases).map(([step, until]) => [leasePath(step), until]));

/** The "done" marker of one claimed step, to be set by the write that finishes it. */
export class StepCompletion {
  #recorded = false;
  constructor(
    readonly step: string,
    readonly supersedes: readonly string[] = [],
  ) {}

  /** Whether a write already marked the step done (and dropped its lease). */
  get recorded(): boolean {
    return this.#recorded;
  }

  /** SET done.<step>, REMOVE its lease and the markers (and write ids) of the steps it supersedes. */
  fields(): { set: Record<string, true>; remove: string[] } {
    return {
      set: { [donePath(this.step)]: true },
      remove: [leasePath(this.step), ...this.supersedes.flatMap((step) => [donePath(step), writePath(step)])],
    };
  }

  /** Called by the write that carried `fields()`, once DynamoDB accepted it. */
  markRecorded(): void {
    this.#recorded = true;
  }
}
