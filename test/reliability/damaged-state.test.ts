// Local state that is damaged or hand-edited is never replaced quietly (issue #17 item 9): the
// emulator's state.json, the SQS/S3 snapshot and secrets.json stop the start with a message
// naming the file and leave it as it was; a second API key in the README's comma list is kept.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateSecrets, SecretsFileError } from '../../cli/dev/secrets';
import { StateFileError, Store } from '../../emulator/store';
import { startServices } from '../../local/aws/services';
import { recordScenario } from './support/report';

const work = mkdtempSync(path.join(tmpdir(), 'vodflow-damaged-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const started = Date.now();
const refusals: string[] = [];

describe('damaged or edited local state', () => {
  it('the emulator refuses a damaged state.json, naming it, and leaves it in place', () => {
    const dir = path.join(work, 'emulator');
    const store = new Store(dir);
    store.state.files['5285890000000000001'] = { fileId: '5285890000000000001' } as never;
    store.save();
    store.close();
    const file = path.join(dir, 'state.json');
    const good = readFileSync(file, 'utf8');
    for (const damaged of [good.slice(0, good.length - 7), '[]', '{"version":2}']) {
      writeFileSync(file, damaged);
      expect(() => new Store(dir)).toThrow(StateFileError);
      expect(() => new Store(dir)).toThrow(file);
      expect(readFileSync(file, 'utf8'), 'kept as it was').toBe(damaged);
      refusals.push(`emulator state.json: ${damaged.length > 40 ? 'truncated' : damaged}`);
    }
    writeFileSync(file, good);
    expect(new Store(dir).state.files['5285890000000000001']).toBeDefined();
  });

  it('the local SQS/S3 refuses a damaged snapshot, naming it', async () => {
    const dataDir = path.join(work, 'aws');
    const file = path.join(dataDir, 'sqs-s3', 'state.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{"version":1,"queues":[{"name":');
    await expect(startServices({ region: 'eu-west-1', dataDir })).rejects.toThrow(file);
    expect(readFileSync(file, 'utf8')).toBe('{"version":1,"queues":[{"name":');
    refusals.push('sqs-s3 state.json: truncated');
  });

  it('secrets.json: a second API key is kept, a bad edit is refused by field, a loose mode is fixed', async () => {
    const dir = path.join(work, 'secrets');
    mkdirSync(dir);
    const first = await loadOrCreateSecrets(dir);
    const file = path.join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const twoKeys = { ...first, API_KEYS: `${first.API_KEYS},second-key-for-ci-0001` };
    writeFileSync(file, JSON.stringify(twoKeys));
    chmodSync(file, 0o644);
    const warnings: string[] = [];
    expect(await loadOrCreateSecrets(dir, (m) => warnings.push(m))).toEqual(twoKeys); // before: every secret regenerated
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings.join('\n')).toMatch(/mode 644.*600/);

    const edited = JSON.stringify({ ...first, CALLBACK_TOKEN: 'short' });
    writeFileSync(file, edited);
    const error = await loadOrCreateSecrets(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsFileError);
    expect((error as Error).message).toMatch(/secrets\.json: CALLBACK_TOKEN must be/);
    expect(readFileSync(file, 'utf8'), 'not replaced').toBe(edited);
    writeFileSync(file, '{"API_KEYS": ');
    await expect(loadOrCreateSecrets(dir)).rejects.toThrow(/is not JSON/);
    refusals.push('secrets.json: bad CALLBACK_TOKEN, not JSON');

    await recordScenario('damaged-state', 'Damaged or edited local state files', started, {
      requestsTried: refusals.length + 1,
      faultsInjected: refusals.length,
      jobsHeld: 0,
      succeeded: 0,
      failed: 0,
      lost: 0,
      duplicated: 0,
      crashes: 0,
      http5xx: 0,
      maxAttempts: 1,
      backoff: 'start refused at once, file named and left as it was',
      notes: [`refused: ${refusals.join('; ')}`, 'two API keys (comma list) kept; mode 644 → 600 with a warning'],
    });
  });
});
