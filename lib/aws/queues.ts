// Queue references from config: a URL as is, or `name:<queue>` resolved once per container.
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { sqs } from './clients';

const resolved = new Map<string, Promise<string>>();

export function queueUrl(ref: string): Promise<string> {
  if (!ref.startsWith('name:')) return Promise.resolve(ref);
  let url = resolved.get(ref);
  if (!url) {
    url = sqs()
      .send(new GetQueueUrlCommand({ QueueName: ref.slice(5) }))
      .then((out) => {
        if (!out.QueueUrl) throw new Error(`queue ${ref.slice(5)} has no URL`);
        return out.QueueUrl;
      });
    url.catch(() => resolved.delete(ref));
    resolved.set(ref, url);
  }
  return url;
}

export function forgetQueueUrls(): void {
  resolved.clear();
}
