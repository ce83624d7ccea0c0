// Counts the AWS SDK v3 calls made in this process while `fn` runs, by service and command —
// every client shares @smithy/core's Client.send (handlers, pollers, the S3 bridge, this bench's
// own event reader). Bench instrumentation only: it wraps send() and puts it back afterwards.
import { createRequire } from 'node:module';

interface SmithyClient {
  prototype: { send: (this: { config?: { serviceId?: string } }, command: object, ...rest: unknown[]) => unknown };
}

export async function countSdkCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: Map<string, number> }> {
  const { Client } = createRequire(import.meta.url)('@smithy/core/client') as { Client: SmithyClient };
  const calls = new Map<string, number>();
  const original = Client.prototype.send;
  Client.prototype.send = function (command, ...rest) {
    const name = `${this.config?.serviceId ?? '?'} ${command.constructor.name.replace(/Command$/, '')}`;
    calls.set(name, (calls.get(name) ?? 0) + 1);
    return original.call(this, command, ...rest);
  };
  try {
    return { result: await fn(), calls };
  } finally {
    Client.prototype.send = original;
  }
}

/** "DynamoDB Update 9.0, DynamoDB Get 7.0, …" per unit (e.g. per callback), most frequent first. */
export const describeCalls = (calls: Map<string, number>, per: number): string =>
  [...calls.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${(n / per).toFixed(1)}`)
    .join(', ');
