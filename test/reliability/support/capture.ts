// Everything a run says, kept for the assertions: handler logs (Powertools writes one JSON line
// per entry to stdout), stack and emulator lines on stderr, HTTP answers and downstream events.
// Nothing is passed through, so a 50-clip run does not bury the test output.

export interface LogLine {
  level?: string;
  message?: string;
  [key: string]: unknown;
}

export interface Capture {
  /** Raw text of every write, stdout and stderr. */
  text: string[];
  /** Lines that parsed as JSON objects (the handlers' structured logs, stdout and stderr). */
  logs: LogLine[];
  /** Anything else a test adds (HTTP bodies, events) for the secrets check. */
  extra: string[];
  find(match: (line: LogLine) => boolean): LogLine[];
  stop(): void;
}

export function captureOutput(passThrough = process.env.RELIABILITY_VERBOSE === '1'): Capture {
  const text: string[] = [];
  const logs: LogLine[] = [];
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const partial = { out: '', err: '' };
  const hook = (stream: 'out' | 'err') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      text.push(s);
      // Powertools writes ERROR/WARN entries to stderr, the rest to stdout.
      const lines = (partial[stream] + s).split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        try {
          logs.push(JSON.parse(line) as LogLine);
        } catch {
          // not a JSON log line
        }
      }
      if (passThrough) return (originals[stream] as (...a: unknown[]) => boolean)(chunk, ...rest);
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = hook('out');
  process.stderr.write = hook('err');
  return {
    text,
    logs,
    extra: [],
    find: (match) => logs.filter(match),
    stop() {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}
