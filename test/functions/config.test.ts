// A missing or malformed variable fails at start (module load) naming the variable.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { config, ConfigError, parseConfig, resetConfig } from '../../lib/config';

const base = {
  JOBS_TABLE: 't',
  UPLOAD_BUCKET: 'b',
  UPLOAD_QUEUE_URL: 'http://q/1',
  PROCESS_QUEUE: 'vodflow-dev-process',
  POLL_QUEUE_URL: 'http://q/3',
  RESULT_QUEUE_URL: 'http://q/4',
  CLASSIFY_QUEUE_URL: 'http://q/5',
  EVENTS_QUEUE_URL: 'http://q/6',
  DELIVER_QUEUE_URL: 'http://q/7',
  VOD_SECRET_ID: 'id',
  VOD_SECRET_KEY_PARAM: '/vodflow/dev/vod-secret-key',
};

describe('config', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfig();
  });

  it('parses defaults and lists', () => {
    const c = parseConfig({ ...base, VOD_DEFINITIONS: '20, 30,210' });
    expect(c.vod.definitions).toEqual([20, 30, 210]);
    expect(c.upload.mode).toBe('pull');
    expect(c.queues.process).toBe('name:vodflow-dev-process');
    expect(c.queues.upload).toBe('http://q/1');
    expect(c.vod.secretKey).toMatchObject({ value: undefined, param: '/vodflow/dev/vod-secret-key' });
  });

  it.each([
    [{ JOBS_TABLE: undefined }, /JOBS_TABLE/],
    [{ POLL_QUEUE_URL: 'not a url' }, /POLL_QUEUE_URL/],
    [{ RESULT_QUEUE_URL: undefined }, /RESULT_QUEUE \(a queue name\) or RESULT_QUEUE_URL/],
    [{ VOD_DEFINITIONS: '20,abc' }, /VOD_DEFINITIONS/],
    [{ UPLOAD_MODE: 'carrier-pigeon' }, /UPLOAD_MODE/],
    [{ VOD_SECRET_ID: undefined }, /VOD_SECRET_ID or VOD_SECRET_ID_PARAM/],
    [{ EVENT_SUBSCRIBERS: 'https://example.test/hook' }, /EVENT_SIGNING_SECRET/],
  ])('names the bad variable %#', (patch, pattern) => {
    const env = { ...base, ...patch } as Record<string, string | undefined>;
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(pattern);
  });

  it('takes a cover definition, 10 by default, or none (an audio-only source has nothing to cover)', () => {
    expect(parseConfig(base).vod.cover).toEqual({ definition: 10, percent: 50 });
    expect(parseConfig({ ...base, VOD_COVER_DEFINITION: '' }).vod.cover).toEqual({ definition: 10, percent: 50 });
    expect(parseConfig({ ...base, VOD_COVER_DEFINITION: '20', VOD_COVER_PERCENT: '10' }).vod.cover).toEqual({
      definition: 20,
      percent: 10,
    });
    expect(parseConfig({ ...base, VOD_COVER_DEFINITION: 'none' }).vod.cover).toBeUndefined();
    expect(parseConfig({ ...base, VOD_COVER_DEFINITION: ' None ' }).vod.cover).toBeUndefined();
    for (const bad of ['off', '1.5'])
      expect(() => parseConfig({ ...base, VOD_COVER_DEFINITION: bad })).toThrow(
        /VOD_COVER_DEFINITION: expected a template id \(0–1000000\) or none/,
      );
  });

  it('config() is parsed once, as in a Lambda container: a changed variable counts after resetConfig()', () => {
    for (const [k, v] of Object.entries(base)) vi.stubEnv(k, v);
    resetConfig();
    const first = config();
    expect(config()).toBe(first); // the same object, not a new parse
    vi.stubEnv('JOBS_TABLE', 'second-stack-table'); // as a second local stack in one process
    expect(config().jobsTable).toBe('t');
    resetConfig();
    expect(config().jobsTable).toBe('second-stack-table');
    vi.stubEnv('QUEUE_VISIBILITY_TIMEOUTS', 'a-classify=180,a-upload=5400');
    resetConfig();
    expect([...config().queueVisibilityS]).toEqual([
      ['a-classify', 180],
      ['a-upload', 5400],
    ]);
    vi.stubEnv('QUEUE_VISIBILITY_TIMEOUTS', 'a-classify');
    resetConfig();
    expect(() => config()).toThrow(/QUEUE_VISIBILITY_TIMEOUTS.*<queue name>=<seconds>/);
    vi.stubEnv('QUEUE_VISIBILITY_TIMEOUTS', '');
    vi.stubEnv('UPLOAD_QUEUE_URL', 'not a url');
    expect(() => config()).toThrow(/UPLOAD_QUEUE_URL/);
    expect(() => config()).toThrow(/UPLOAD_QUEUE_URL/); // a failed parse is not cached
    vi.stubEnv('UPLOAD_QUEUE_URL', 'http://q/1');
    expect(config().queues.upload).toBe('http://q/1');
  });

  it('makes a handler module fail to load', async () => {
    for (const [k, v] of Object.entries(base)) vi.stubEnv(k, v);
    vi.stubEnv('JOBS_TABLE', '');
    resetConfig();
    await expect(import('../../functions/get-job')).rejects.toThrow(/JOBS_TABLE/);
  });
});
