// `vodflow …` as an operator runs it: the real command in its own process, pointed at a local
// stack through the standard AWS endpoint variables (`--aws` with serverless.yml's names).
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { LocalStack } from '../../../local';
import { REPO_ROOT } from './config-variant';

export function vodflow(args: string[], local: LocalStack): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'cli/bin.mjs'), ...args, '--aws', '--stage', local.stage, '--region', local.region],
      {
        cwd: REPO_ROOT,
        timeout: 60_000,
        env: {
          ...process.env,
          AWS_ENDPOINT_URL_DYNAMODB: local.endpoints.dynamodb,
          AWS_ENDPOINT_URL_SQS: local.endpoints.sqs,
          AWS_ACCESS_KEY_ID: local.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: local.credentials.secretAccessKey,
          AWS_REGION: local.region,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
