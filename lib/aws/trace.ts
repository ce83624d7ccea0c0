// X-Ray annotation of the running invocation with the jobId, so `annotation.jobId = "…"` finds
// every hop of a video in the X-Ray console. Lambda (Active tracing) owns the function's segment,
// which cannot be annotated; so each job gets one annotated subsegment, sent to the X-Ray daemon
// over UDP as its documented protocol has it. Not Powertools Tracer: aws-xray-sdk-core would add
// ~125 KB to every bundle (budget: 250 KB, test/build/template.test.ts).
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

let socket: Socket | undefined;

/** Root, Parent and Sampled of `_X_AMZN_TRACE_ID` (Lambda sets it per invocation). */
function traceHeader(): { root: string; parent: string } | undefined {
  const fields = new Map((process.env._X_AMZN_TRACE_ID ?? '').split(';').map((kv) => kv.split('=', 2) as [string, string]));
  const root = fields.get('Root');
  const parent = fields.get('Parent');
  return root && parent && fields.get('Sampled') === '1' ? { root, parent } : undefined;
}

/** Adds a subsegment annotated with `annotations` to the current trace; a no-op when not traced. */
export function annotateTrace(name: string, annotations: Record<string, string>): void {
  const daemon = process.env.AWS_XRAY_DAEMON_ADDRESS; // host:port, set by Lambda when tracing is on
  const header = traceHeader();
  if (!daemon || !header) return;
  const [host, port] = [daemon.slice(0, daemon.lastIndexOf(':')), Number(daemon.slice(daemon.lastIndexOf(':') + 1))];
  const now = Date.now() / 1000;
  const subsegment = {
    type: 'subsegment',
    name,
    id: randomBytes(8).toString('hex'),
    trace_id: header.root,
    parent_id: header.parent,
    start_time: now,
    end_time: now,
    annotations,
  };
  socket ??= createSocket('udp4').unref();
  socket.send(`${JSON.stringify({ format: 'json', version: 1 })}\n${JSON.stringify(subsegment)}`, port, host, () => undefined);
}
