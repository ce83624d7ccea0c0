// Reliable callback mode (PullEvent … ConfirmEvent) with every confirmation lost for a while:
// VOD delivers each event again and again until one is confirmed. The repeats are acknowledged
// as duplicates: one pull, one procedure, one downstream event per video.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeFigures, outcomeOf } from './support/figures';
import { recordScenario } from './support/report';
import { limitMs, SCALE, size } from './support/scale';
import { startRelStack, type RelStack } from './support/stack';

const CLIPS = size('duplicateClips');
let s: RelStack;
const started = Date.now();

beforeAll(async () => {
  s = await startRelStack({
    callbackMode: 'reliable',
    // Slow polling, so the news arrives through PullEvent; a pull-events run every 2 s.
    env: { POLL_BASE_DELAY_S: '30', POLL_MAX_DELAY_S: '60' },
    scheduleTimeScale: 1 / 30,
    emulator: { pullEventHoldMs: 300, eventRedeliveryMs: 1500, faults: { actions: ['ConfirmEvent'], drop: 1 } },
  });
});
afterAll(async () => s?.close());

describe(`PullEvent redelivery (${SCALE})`, () => {
  it(
    'absorbs every redelivered event',
    async () => {
      const jobIds = await Promise.all(Array.from({ length: CLIPS }, (_, i) => s.submit(`pe-${i}.mp4`)));
      await s.settle(jobIds, limitMs(60_000, 150_000));
      // Events keep coming back while no confirmation gets through; then let them be confirmed.
      await new Promise((r) => setTimeout(r, 4000));
      const lostConfirms = s.local.emulator!.stats().faultsInjected.drop ?? 0;
      s.local.emulator!.setFaults({});
      await new Promise((r) => setTimeout(r, 4000));

      const out = outcomeOf(jobIds, await s.jobs(), s.events);
      const ok = s.proxy.calls.filter((c) => c.end === 'answered' && c.code === 0);
      const pulls = ok.filter((c) => c.action === 'MultiPullVodFile').length;
      const procedures = ok.filter((c) => c.action === 'ProcessFile').length;
      const repeats = s.capture.find(
        (l) => l.via === 'pull-event' && /duplicate event acknowledged|already reported/.test(String(l.message)),
      ).length;
      const confirmed = ok.filter((c) => c.action === 'ConfirmEvent').length;

      await recordScenario('pull-events', `PullEvent redelivery: ${CLIPS} clips, confirmations lost`, started, {
        requestsTried: s.proxy.calls.length,
        faultsInjected: lostConfirms,
        ...outcomeFigures(out, pulls - CLIPS + (procedures - CLIPS)),
        crashes: 0,
        http5xx: 0,
        backoff: 'n/a',
        notes: [
          `${lostConfirms} ConfirmEvent calls dropped; ${repeats} redelivered events acknowledged as duplicates; ${confirmed} ConfirmEvent calls succeeded afterwards; VOD work: ${pulls} pulls, ${procedures} procedures`,
        ],
      });

      expect(lostConfirms).toBeGreaterThan(0);
      expect(repeats, 'redelivered events seen').toBeGreaterThan(0);
      expect(confirmed).toBeGreaterThan(0);
      expect(out.lost).toEqual([]);
      expect(pulls).toBe(CLIPS);
      expect(procedures).toBe(CLIPS);
      expect(out.duplicateIds).toEqual([]);
      expect(out.duplicateJobs).toEqual([]);
    },
    limitMs(90_000, 200_000),
  );
});
