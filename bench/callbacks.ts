// Sending VOD callbacks the way VOD does at a fixed rate: an open loop (callback i leaves at
// start + i / rate, whatever the answers do), each a POST of its own.
import { request, type Agent } from 'node:http';

export function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/**
 * Sends `total` callbacks at `perSecond` (`send(i)` answers an HTTP status; `sent(i)` is told the
 * moment each leaves) and waits for every answer. Resolves with the seconds the sending took and
 * the count of each status.
 */
export async function openLoop(
  total: number,
  perSecond: number,
  send: (i: number) => Promise<number>,
  sent: (i: number) => void,
): Promise<{ seconds: number; statuses: Record<string, number> }> {
  const statuses: Record<string, number> = {};
  const answers: Promise<void>[] = [];
  const start = Date.now();
  let i = 0;
  while (i < total) {
    const due = Math.min(total, Math.floor(((Date.now() - start) * perSecond) / 1000) + 1);
    for (; i < due; i++) {
      sent(i);
      answers.push(send(i).then((status) => void (statuses[status] = (statuses[status] ?? 0) + 1)));
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const seconds = (Date.now() - start) / 1000;
  await Promise.all(answers);
  return { seconds, statuses };
}

/** `200×998, 404×2`: how the callbacks were answered. */
export const answers = (statuses: Record<string, number>): string =>
  Object.entries(statuses)
    .map(([status, n]) => `${status}×${n}`)
    .join(', ');
