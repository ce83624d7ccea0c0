// Fault injection for tests of clients and pipelines: a seeded PRNG decides, per API call, whether
// to answer 6000, answer HTTP 503, drop the connection (before or after running the action) or
// delay; and task steps can be made to fail with a chosen code a chosen number of times.
import * as z from 'zod';
import { mulberry32 } from './prng';

const fraction = z.number().min(0).max(1);

export const failStepSchema = z.object({
  /** A processTaskList taskType (Transcode, SampleSnapshot, CoverBySnapshot, SnapshotByTimeOffset,
   *  ImageSprite, PullFile) or a task step: Probe, Concat, Clip. */
  taskType: z.string().min(1),
  code: z.number().int(),
  /** How many times to fail; afterwards the step runs normally. Omit for always. */
  times: z.number().int().positive().optional(),
});

export const faultOptionsSchema = z.object({
  seed: z.number().int().optional(),
  error6000: fraction.optional(),
  http503: fraction.optional(),
  /** socket.destroy() before the action runs. */
  drop: fraction.optional(),
  /** socket.destroy() after the action ran: the effect happened, the answer is lost. */
  dropAfter: fraction.optional(),
  /** Answer 4400 超过配额 (quota exceeded; API 3.0: RequestLimitExceeded) without running the action. */
  limitExceeded: fraction.optional(),
  /** Answer 4200 请求过期 (request expired; API 3.0: AuthFailure.SignatureExpire), the older tables' stale-request code. */
  expired: fraction.optional(),
  delay: z.object({ fraction, ms: z.number().int().min(0).max(120_000) }).optional(),
  /** Only these actions are subject to the call faults (default: all). */
  actions: z.array(z.string()).optional(),
  failStep: z.union([failStepSchema, z.array(failStepSchema)]).optional(),
});

export type FaultOptions = z.input<typeof faultOptionsSchema>;
export type CallFault = 'error6000' | 'limitExceeded' | 'expired' | 'http503' | 'drop' | 'dropAfter';

export class Faults {
  private options: z.output<typeof faultOptionsSchema> = {};
  private random: () => number = Math.random;
  private stepFailures: Array<{ taskType: string; code: number; remaining: number }> = [];
  readonly injected: Record<CallFault | 'delay' | 'failStep', number> = {
    error6000: 0,
    limitExceeded: 0,
    expired: 0,
    http503: 0,
    drop: 0,
    dropAfter: 0,
    delay: 0,
    failStep: 0,
  };

  constructor(options: FaultOptions = {}) {
    this.set(options);
  }

  set(options: FaultOptions): void {
    this.options = faultOptionsSchema.parse(options);
    this.random = this.options.seed === undefined ? Math.random : mulberry32(this.options.seed);
    const steps = this.options.failStep === undefined ? [] : [this.options.failStep].flat();
    this.stepFailures = steps.map((s) => ({ taskType: s.taskType, code: s.code, remaining: s.times ?? Infinity }));
  }

  private applies(action: string | undefined): boolean {
    const { actions } = this.options;
    return !actions || (action !== undefined && actions.includes(action));
  }

  /** Decided once per call, in a fixed order so a seed gives the same sequence every run. */
  decide(action: string | undefined): { fault?: CallFault; delayMs: number } {
    if (!this.applies(action)) return { delayMs: 0 };
    const o = this.options;
    let delayMs = 0;
    if (o.delay && this.random() < o.delay.fraction) {
      delayMs = o.delay.ms;
      this.injected.delay++;
    }
    for (const fault of ['error6000', 'http503', 'drop', 'dropAfter', 'limitExceeded', 'expired'] as const) {
      const p = o[fault];
      if (p && this.random() < p) {
        this.injected[fault]++;
        return { fault, delayMs };
      }
    }
    return { delayMs };
  }

  /** The code a task step must fail with now, if a failStep rule matches. */
  stepFailure(taskType: string): number | undefined {
    const rule = this.stepFailures.find((s) => s.taskType === taskType && s.remaining > 0);
    if (!rule) return undefined;
    rule.remaining--;
    this.injected.failStep++;
    return rule.code;
  }
}
