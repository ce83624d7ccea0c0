// An empty object in the bucket is a job like any other: VOD calls it damaged (2.0: -43001, 3.0:
// SourceFileError.ContentMalformed) and the job ends in exactly one video.failed — never a silent
// skip, in pull and in push mode.
import '../support/quiet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config';
import { videoFailedEventV1 } from '../../lib/events/contracts';
import { putObject } from '../support/s3-notify';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const VERSIONS = [
  { api: 'v2', code: -43001, env: (): Record<string, string> => ({}) },
  {
    api: 'v3',
    code: 'SourceFileError.ContentMalformed',
    env: (): Record<string, string> => ({
      VOD_API_VERSION: 'v3',
      VOD_V3_ENDPOINT: h.emu.url,
      VOD_STORAGE_ENDPOINT: `${h.emu.url}/cos`,
      VOD_DEFINITIONS: '100010',
    }),
  },
] as const;

describe.each(VERSIONS)('an empty object on API $api', ({ api, code, env }) => {
  // Push sends nothing (VOD's upload takes no 0-byte file) and gives the code the version's pull
  // of the same empty file gives: a 3.0 job got 2.0's -43001 before.
  it.each(['pull', 'push'] as const)(`ends in one video.failed with ${code} (permanent), in %s mode`, async (mode) => {
    h.env({ UPLOAD_MODE: mode, ...env() });
    resetConfig();
    try {
      await putObject(h.stack, `in/${api}/empty-${mode}.mp4`, Buffer.alloc(0));
      const jobId = await h.jobIdOf(`in/${api}/empty-${mode}.mp4`);
      await h.settle(jobId);
      const events = await h.events();
      expect(events).toHaveLength(1);
      const event = videoFailedEventV1.parse(events[0]);
      expect(event.subject).toBe(jobId);
      expect(event.data.error).toMatchObject({ code, retryable: false });
    } finally {
      h.env();
      resetConfig();
    }
  });
});
