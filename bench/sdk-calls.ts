// Counts the AWS SDK v3 calls made in this process while `fn` runs, by service and command —
// every client shares @smithy/core's Client.send (handlers, pollers, the S3 bridge, this bench's
// own event reader), and how many messages each queue's ReceiveMessage calls brought back (the
// batch sizes the pollers got). Bench instrumentation only: it wraps send() and puts it back afterwards.
import { createRequire } from 'node:module';

interface SmithyClient {
  prototype: { send: (this: { config?: { serviceId?: string } }, command: { input?: unknown }, ...rest: unknown[]) => unknown };
}

/** Per queue (the last part of its URL): ReceiveMessage calls and the messages they returned. */
export type Receives = Map<string, { calls: number; messages: number }>;

export async function countSdkCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: Map<string, number>; receives: Receives }> {
  const { Client } = createRequire(import.meta.url)('@smithy/core/client') as { Client: SmithyClient };
  const calls = new Map<string, number>();
  const receives: Receives = new Map();
  const original = Client.prototype.send;
  Client.prototype.send = function (command, ...rest) {
    const name = `${this.config?.serviceId ?? '?'} ${command.constructor.name.replace(/Command$/, '')}`;
    calls.set(name, (calls.get(name) ?? 0) + 1);
    const sent = original.call(this, command, ...rest);
    if (name === 'SQS ReceiveMessage') {
      const queue = String((command.input as { QueueUrl?: string }).QueueUrl ?? '?')
        .split('/')
        .pop()!;
      const seen = receives.get(queue) ?? { calls: 0, messages: 0 };
      receives.set(queue, seen);
      seen.calls++;
      void (sent as Promise<{ Messages?: unknown[] }>).then(
        (out) => void (seen.messages += out.Messages?.length ?? 0),
        () => undefined,
      );
    }
    return sent;
  };
  try {
    return { result: await fn(), calls, receives };
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
