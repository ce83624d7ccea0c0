// The local stack in a process of its own, so a test can SIGKILL it mid-batch and start it again
// on the same data dir. Prints one line `VODFLOW_STACK {json}` once it is up; everything else on
// stdout is the handlers' logs. Run: node --import tsx test/reliability/support/child-stack.ts
// with REL_CHILD = JSON {configFile, dataDir, ports?, env}.
import * as z from 'zod';
import { startLocalStack } from '../../../local';

const input = z
  .object({
    configFile: z.string(),
    dataDir: z.string(),
    ports: z.object({ httpApi: z.number(), fauxqs: z.number(), dynamodb: z.number(), emulator: z.number() }).partial().optional(),
    env: z.record(z.string(), z.string()),
  })
  .parse(JSON.parse(process.env.REL_CHILD ?? '{}'));

const stack = await startLocalStack({
  configFile: input.configFile,
  dataDir: input.dataDir,
  ports: input.ports,
  logLevel: 'error',
  callbackMode: 'http',
  emulator: { mediaConcurrency: 2 },
  env: input.env,
});
const port = (url: string | undefined) => (url ? Number(new URL(url).port) : undefined);
process.stdout.write(
  `VODFLOW_STACK ${JSON.stringify({
    pid: process.pid,
    endpoints: stack.endpoints,
    ports: {
      httpApi: port(stack.endpoints.httpApi),
      fauxqs: port(stack.endpoints.sqs),
      dynamodb: port(stack.endpoints.dynamodb),
      emulator: port(stack.endpoints.emulator),
    },
    region: stack.region,
    credentials: stack.credentials,
    table: stack.table,
    queues: stack.queues,
  })}\n`,
);
const stop = () => void stack.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
