// Queue references from config: a URL as is, or `name:<queue>` resolved once per container —
// per SQS client, since a URL belongs to the endpoint that issued it.
import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqs } from './clients';

let byClient = new WeakMap<SQSClient, Map<string, Promise<string>>>();

export function queueUrl(ref: string): Promise<string> {
  if (!ref.startsWith('name:')) return Promise.resolve(ref);
  const client = sqs();
  let resolved = byClient.get(client);
  if (!resolved) byClient.set(client, (resolved = new Map()));
  let url = resolved.get(ref);
  if (!url) {
    url = client.send(new GetQueueUrlCommand({ QueueName: ref.slice(5) })).then((out) => {
      if (!out.QueueUrl) throw new Error(`queue ${ref.slice(5)} has no URL`);
      return out.QueueUrl;
    });
    url.catch(() => resolved.delete(ref));
    resolved.set(ref, url);
  }
  return url;
}

export function forgetQueueUrls(): void {
  byClient = new WeakMap();
}
