// At-least-once, forced: every message the handlers send to an internal queue is sent twice (two
// SendMessage calls, two MessageIds — what a producer retry after a lost answer does), through a
// middleware on the handlers' own SQS client (lib/aws/clients), so the real queues carry both.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../../../lib/aws/clients';

export interface DuplicateSends {
  /** Extra copies sent, per queue name. */
  copies: Record<string, number>;
  stop(): void;
}

export function duplicateSends(shouldDuplicate: (queueUrl: string) => boolean): DuplicateSends {
  const copies: Record<string, number> = {};
  const client = sqs();
  const name = `vodflow-reliability-duplicate-${Math.random().toString(36).slice(2)}`;
  const ours = new WeakSet<object>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as ConstructorParameters<typeof SendMessageCommand>[0];
      if (context.commandName === 'SendMessageCommand' && !ours.has(input) && shouldDuplicate(input.QueueUrl ?? '')) {
        const queue = (input.QueueUrl ?? '').split('/').pop()!;
        copies[queue] = (copies[queue] ?? 0) + 1;
        const copy = { ...input };
        ours.add(copy);
        await client.send(new SendMessageCommand(copy));
      }
      return result;
    },
    { step: 'initialize', name, tags: ['SendMessage'] },
  );
  return {
    copies,
    stop: () => void client.middlewareStack.remove(name),
  };
}
