// RELIABILITY_DEBUG=1 keeps what a failing scenario saw (jobs, events, logs) in a JSON file under
// the system temp dir, named in the test output; without it nothing is written.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function debugDump(name: string, data: () => unknown): void {
  if (!process.env.RELIABILITY_DEBUG) return;
  const file = path.join(tmpdir(), `vodflow-reliability-${name}.json`);
  writeFileSync(
    file,
    JSON.stringify(data(), (_k, v) => (v instanceof Set ? [...v] : v), 1),
  );
  process.stderr.write(`[reliability] ${name}: details in ${file}\n`);
}
