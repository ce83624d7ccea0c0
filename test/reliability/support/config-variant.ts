// serverless.yml with its time limits compressed, for failure paths that must play out in seconds
// instead of minutes. Everything else — functions, queues, DLQs, maxReceiveCount, batch sizes,
// environment — is the deployed wiring, read from the repository's file. The one invariant kept:
// a queue's visibility timeout outlasts its consumer's timeout plus the step lease margin (5 s,
// lib/jobs/current.ts), as 6 × timeout does on AWS; otherwise a redelivery could find a dead
// holder's lease still valid and be dropped.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LEASE_MARGIN_S = 5;

export interface TimeLimits {
  /** Every function's timeout becomes min(its own, this). */
  functionTimeoutS: number;
  /** Every queue's VisibilityTimeout (at least functionTimeoutS + the lease margin + 1). */
  visibilityTimeoutS: number;
}

type Yml = {
  functions: Record<string, { handler: string; timeout?: number }>;
  provider: { timeout?: number };
  resources: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
};

/** Writes the variant into `dir` and returns its path; handlers stay the repository's files. */
export function writeConfigVariant(dir: string, limits: TimeLimits): string {
  if (limits.visibilityTimeoutS < limits.functionTimeoutS + LEASE_MARGIN_S + 1) {
    throw new Error(
      `visibility ${limits.visibilityTimeoutS} s must exceed timeout ${limits.functionTimeoutS} s + ${LEASE_MARGIN_S} s lease margin`,
    );
  }
  const doc = parse(readFileSync(path.join(REPO_ROOT, 'serverless.yml'), 'utf8')) as Yml;
  doc.provider.timeout = Math.min(doc.provider.timeout ?? 6, limits.functionTimeoutS);
  for (const fn of Object.values(doc.functions)) {
    // Absolute handler paths: the variant lives elsewhere, the code does not move.
    fn.handler = path.join(REPO_ROOT, fn.handler);
    fn.timeout = Math.min(fn.timeout ?? limits.functionTimeoutS, limits.functionTimeoutS);
  }
  for (const res of Object.values(doc.resources.Resources)) {
    if (res.Type === 'AWS::SQS::Queue' && res.Properties.VisibilityTimeout !== undefined)
      res.Properties.VisibilityTimeout = limits.visibilityTimeoutS;
  }
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'serverless.yml');
  writeFileSync(file, stringify(doc, { lineWidth: 0 }));
  return file;
}
