// A local stack whose DynamoDB stand-in cannot start (its port is taken, as when a second
// `vodflow dev --data` is started beside the first) fails its start with that reason. The
// failure happens on the dynalite thread while fauxqs is still being built; before, that
// rejection had no handler until fauxqs was up (services.ts now attaches one at once; which of
// the two finishes first depends on timing, so this test pins the outcome, not the race).
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServices } from '../../../local/aws/services';

describe('startServices when dynalite cannot listen', () => {
  let taken: Server;
  let port: number;
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as AddressInfo).port;
    process.on('unhandledRejection', record);
  });
  afterAll(async () => {
    process.off('unhandledRejection', record);
    await new Promise((resolve) => taken.close(resolve));
  });

  it('rejects with the listen error and leaves no unhandled rejection behind', async () => {
    await expect(startServices({ region: 'eu-west-1', ports: { dynamodb: port } })).rejects.toThrow(/EADDRINUSE|address already in use/i);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let a stray rejection surface
    expect(unhandled).toEqual([]);
  });
});
