// How big each reliability scenario runs. The default ("ci") is the subset `npm test` runs on
// two cores in a few minutes; RELIABILITY_SCALE=full (`npm run test:reliability`) runs the sizes
// the guarantees are stated for. One table, so the report can print both.
import * as z from 'zod';

export type Scale = 'ci' | 'full';

export const SCALE: Scale = z.enum(['ci', 'full']).catch('ci').parse(process.env.RELIABILITY_SCALE);

/** The figures are written only on request, so that `npm test` never dirties the tree. */
export const REPORT_ENABLED = SCALE === 'full' || process.env.RELIABILITY_REPORT === '1';

export const SIZES = {
  /** Clips processed while 20 % of VOD calls fail. */
  faultClips: { ci: 10, full: 50 },
  /** Clips in the batch that is SIGKILLed and restarted. */
  crashClips: { ci: 6, full: 20 },
  /** Clips sent through every duplicated hop. */
  duplicateClips: { ci: 3, full: 10 },
  /** Good clips processed beside the poison messages. */
  poisonClips: { ci: 3, full: 10 },
  /** Fuzzed requests against the emulator. */
  fuzzRequests: { ci: 3_000, full: 10_000 },
  /** SIGKILL rounds right after the last upload of a batch was acknowledged (and uploads per round). */
  uploadCrashRounds: { ci: 1, full: 3 },
  uploadCrashClips: { ci: 4, full: 6 },
  /** Clips polled at once under a GetTaskInfo quota far below what their polling asks for (full only). */
  quotaClips: { ci: 0, full: 8 },
  /** Hostile requests against the HTTP API. */
  httpRequests: { ci: 300, full: 1_500 },
} as const satisfies Record<string, Record<Scale, number>>;

export const size = (name: keyof typeof SIZES): number => SIZES[name][SCALE];

/** A vitest time limit that grows with the scale. */
export const limitMs = (ciMs: number, fullMs: number): number => (SCALE === 'full' ? fullMs : ciMs);
