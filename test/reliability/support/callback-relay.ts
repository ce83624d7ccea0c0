// Sits between the emulator's HTTP callbacks and the webhook route: every callback is delivered
// twice at once (VOD retrying after a lost answer) and once more later (a replay of an old
// callback). The webhook's answers are kept.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackRelay {
  url: string;
  delivered: number;
  answers: Array<{ status: number; body: string }>;
  close(): Promise<void>;
}

const readAll = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

export async function startCallbackRelay(target: string, replayAfterMs = 2000): Promise<CallbackRelay> {
  const answers: CallbackRelay['answers'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const relay = { delivered: 0 };
  const forward = async (body: Buffer, contentType: string) => {
    relay.delivered++;
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': contentType }, body });
    const answer = { status: res.status, body: await res.text() };
    answers.push(answer);
    return answer;
  };
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const type = String(req.headers['content-type'] ?? 'application/json');
    try {
      const [first] = await Promise.all([forward(body, type), forward(body, type)]);
      res.writeHead(first.status, { 'content-type': 'application/json' }).end(first.body);
    } catch {
      res.writeHead(502).end();
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      void forward(body, type).catch(() => undefined);
    }, replayAfterMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    get delivered() {
      return relay.delivered;
    },
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
