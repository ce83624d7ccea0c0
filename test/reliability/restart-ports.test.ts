// Restarting on the same data dir keeps every port (issue #17 item 6): presigned URLs held by an
// interrupted pull, play URLs already in events and queue URLs in other tools stay valid.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { FIXTURES } from '../local/helpers';
import { recordScenario } from './support/report';

const work = mkdtempSync(path.join(tmpdir(), 'vodflow-ports-'));
const start = () =>
  startLocalStack({
    configFile: path.join(FIXTURES, 'stack.yml'),
    dataDir: work,
    schedules: false,
    logLevel: 'silent',
    emulator: { env: false, log: false },
  });
let open: LocalStack | undefined;
const started = Date.now();
afterAll(async () => {
  await open?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('restart on the same --data', () => {
  it('keeps the S3/SQS, DynamoDB, emulator and HTTP ports; a taken one is replaced with a note', async () => {
    open = await start();
    const first = { ...open.endpoints };
    await open.close();
    const t0 = Date.now();
    open = await start();
    const restartMs = Date.now() - t0;
    expect(open.endpoints).toEqual(first);
    await open.close();

    // Another program took the DynamoDB port meanwhile.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(Number(new URL(first.dynamodb).port), '127.0.0.1', resolve));
    try {
      open = await start();
      expect(open.endpoints.dynamodb).not.toBe(first.dynamodb);
      expect(open.endpoints.sqs).toBe(first.sqs);
      expect(open.notes.join('\n')).toMatch(/taken by another program/);
    } finally {
      squatter.close();
    }
    await recordScenario('restart-ports', 'Restart on the same --data: ports kept', started, {
      requestsTried: 3,
      faultsInjected: 1,
      jobsHeld: 0,
      succeeded: 0,
      failed: 0,
      lost: 0,
      duplicated: 0,
      crashes: 0,
      http5xx: 0,
      maxAttempts: 1,
      backoff: `restart took ${(restartMs / 1000).toFixed(1)} s; 4/4 ports kept`,
      notes: ['a port taken by another program meanwhile is replaced, with a note naming it'],
    });
  });
});
