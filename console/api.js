// The console's calls: the stack's own HTTP API (POST /uploads) and /console/api/*, all with the
// API key from this tab's sessionStorage.
const KEY = 'vodflow.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY) ?? '',
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function answer(res) {
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { message: text };
  }
  if (!res.ok) {
    const e = body.error ?? body;
    throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? `HTTP ${res.status}`);
  }
  return body;
}

export async function call(path, { method = 'GET', body } = {}) {
  const headers = { 'x-api-key': apiKey.get() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return answer(res);
}

export const consoleApi = (path, options) => call(`api${path}`, options);
/** The stack's HTTP API lives at the origin root; the page is at /console/. */
export const httpApi = (path, options) => call(`../${path.replace(/^\//, '')}`, options);

/**
 * Server-sent events read through fetch (EventSource cannot send the x-api-key header).
 * Calls onEvent(name, data) per event; reconnects after a drop until stop() is called.
 */
export function stream(path, onEvent, onState = () => {}) {
  let stopped = false;
  let controller;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(`api${path}`, { headers: { 'x-api-key': apiKey.get() }, signal: controller.signal });
        if (!res.ok) {
          const e = await answer(res).catch((error) => error);
          onState('error', e.message);
          if (res.status === 401) return;
        } else {
          onState('live');
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const frame = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              let name = 'message';
              const data = [];
              for (const line of frame.split('\n')) {
                if (line.startsWith('event:')) name = line.slice(6).trim();
                else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
              }
              if (data.length) onEvent(name, JSON.parse(data.join('\n')));
            }
          }
        }
      } catch (error) {
        if (stopped) return;
        onState('error', error.message);
      }
      if (!stopped) {
        onState('reconnecting');
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  };
  run();
  return {
    stop: () => {
      stopped = true;
      controller?.abort();
    },
  };
}
