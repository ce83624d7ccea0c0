// What `vodflow dev` prints once the stack answers: a readable block (endpoints, routes, bucket,
// queues, table, local credentials), ready-to-paste `export` lines and one curl that creates an
// upload. Built from the dev state alone, so what is printed is exactly what dev.json holds.
import type { DevState } from './state';

/** POSIX shell quoting, only where a value needs it. */
export const shellQuote = (value: string): string => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`);

/** The environment another tool needs to talk to this stack (AWS SDKs/CLI, the VOD client). */
export function devExports(state: DevState): Array<[string, string]> {
  const vars: Array<[string, string]> = [
    ['AWS_REGION', state.region],
    ['AWS_ACCESS_KEY_ID', state.credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', state.credentials.secretAccessKey],
    ['AWS_ENDPOINT_URL_SQS', state.endpoints.sqs],
    ['AWS_ENDPOINT_URL_S3', state.endpoints.s3],
    ['AWS_ENDPOINT_URL_DYNAMODB', state.endpoints.dynamodb],
  ];
  const { vod } = state;
  if (vod?.apiVersion === 'v3' && vod.v3Endpoint) {
    vars.push(['VOD_API_VERSION', 'v3'], ['VOD_V3_ENDPOINT', vod.v3Endpoint]);
    if (vod.storageEndpoint) vars.push(['VOD_STORAGE_ENDPOINT', vod.storageEndpoint]);
    vars.push(['VOD_SECRET_ID', vod.secretId], ['VOD_SECRET_KEY', vod.secretKey]);
  } else if (vod) {
    vars.push(
      ['VOD_ENDPOINT', vod.endpoint],
      ['VOD_UPLOAD_ENDPOINT', vod.uploadEndpoint],
      ['VOD_SECRET_ID', vod.secretId],
      ['VOD_SECRET_KEY', vod.secretKey],
      ['VOD_REGION', vod.region],
    );
  }
  return vars;
}

/** Routes sorted by path, method aligned: `POST /uploads`. */
function routeLines(routes: readonly string[]): string[] {
  const split = routes.map((r) => {
    const [method = '', ...rest] = r.split(' ');
    return { method, path: rest.join(' ') || r };
  });
  const width = Math.max(0, ...split.map((r) => r.method.length));
  return split
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
    .map((r) => `${r.method.padEnd(width)} ${r.path}`);
}

export function devBanner(state: DevState, statePath: string): string {
  const api = state.endpoints.httpApi;
  const byId = new Map(state.queues.map((q) => [q.logicalId, q]));
  const deadLetters = new Set(state.queues.flatMap((q) => (q.deadLetter ? [q.deadLetter] : [])));
  const lines: string[] = [
    `vodflow dev — ${state.service}, stage ${state.stage}, region ${state.region}, VOD API ${state.vod?.apiVersion === 'v3' ? '3.0' : '2.0'}, VOD callbacks: ${state.callbackMode}`,
    `  data:         ${state.dataDir}  (state file ${statePath})`,
    '',
    `  HTTP API      ${api}`,
    ...routeLines(state.routes).map((r) => `                  ${r}`),
  ];
  if (state.endpoints.emulator)
    lines.push(
      state.vod?.apiVersion === 'v3'
        ? `  VOD emulator  ${state.endpoints.emulator}  (API 3.0 ${state.vod.v3Endpoint ?? '-'}, storage ${state.vod.storageEndpoint ?? '-'})`
        : `  VOD emulator  ${state.endpoints.emulator}  (API ${state.vod?.endpoint ?? '-'}, upload ${state.vod?.uploadEndpoint ?? '-'})`,
    );
  lines.push(`  SQS + S3      ${state.endpoints.sqs}`, `  DynamoDB      ${state.endpoints.dynamodb}`, '');
  if (state.bucket) lines.push(`  bucket        ${state.bucket}`);
  if (state.table) lines.push(`  table         ${state.table}`);
  const sources = state.queues.filter((q) => !deadLetters.has(q.logicalId));
  const nameWidth = Math.max(0, ...sources.map((q) => q.name.length));
  const queueLines = sources.map((q) => {
    const dlq = q.deadLetter ? byId.get(q.deadLetter) : undefined;
    return dlq ? `${q.name.padEnd(nameWidth)}  → DLQ ${dlq.name}` : q.name;
  });
  queueLines.forEach((q, i) => lines.push(`  ${i === 0 ? 'queues        ' : '              '}${q}`));
  lines.push(
    '',
    '  credentials (local use only)',
    `    AWS         access key ${state.credentials.accessKeyId}, secret ${state.credentials.secretAccessKey}, region ${state.region}`,
    `    API key     x-api-key: ${state.apiKey}`,
  );
  if (state.vod) lines.push(`    VOD         SecretId ${state.vod.secretId}, SecretKey ${state.vod.secretKey}`);
  if (state.callbackUrl) lines.push(`    webhook     ${state.callbackUrl}`);
  else if (state.callbackMode === 'reliable') lines.push('    webhook     off (reliable mode: results are pulled with PullEvent)');
  else lines.push('    webhook     off (results are polled)');

  lines.push('', '# paste into a shell to point the AWS SDK/CLI and a VOD client at this stack:');
  for (const [name, value] of devExports(state)) lines.push(`export ${name}=${shellQuote(value)}`);

  if (state.routes.includes('POST /uploads')) {
    const key = shellQuote(`x-api-key: ${state.apiKey}`);
    lines.push(
      '',
      '# create an upload for clip.mp4 (size must be its byte count), then PUT the file to the returned',
      '# upload.url with the upload.headers it lists (the URL is signed for them), then follow the job',
      '# with `vodflow jobs show <jobId>`:',
      `curl -sS -X POST ${api}/uploads -H 'content-type: application/json' -H ${key} \\`,
      `  -d "{\\"filename\\":\\"clip.mp4\\",\\"contentType\\":\\"video/mp4\\",\\"size\\":$(wc -c < clip.mp4)}" > upload.json`,
      `curl -sS -T clip.mp4 -H 'content-type: video/mp4' -H 'if-none-match: *' "$(node -p 'require("./upload.json").upload.url')"`,
    );
  }
  lines.push('', 'Ctrl-C stops the stack (state stays in the data dir; a second Ctrl-C forces the exit).');
  return `${lines.join('\n')}\n`;
}
