// The transport half of an injected call fault, alike on both API versions: wait the injected
// delay, then drop the connection or answer HTTP 503 with the version's own body. The faults that
// answer with a code (6000, 4400, …) stay with each version, which spells them its own way.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallFault } from './faults';
import { sendJson } from './http-io';
import type { Stats } from './stats';

export interface FaultAnswer {
  req: IncomingMessage;
  res: ServerResponse;
  stats: Stats;
  action: string | undefined;
  /** The version's body of a 503. */
  unavailable: unknown;
}

/** True when the fault answered the call (or dropped it): the action must not run. */
export async function answeredByFault(decision: { fault?: CallFault; delayMs: number }, call: FaultAnswer): Promise<boolean> {
  if (decision.delayMs) await new Promise((r) => setTimeout(r, decision.delayMs));
  if (decision.fault === 'drop') {
    call.stats.dropped++;
    call.req.socket.destroy();
    return true;
  }
  if (decision.fault === 'http503') {
    call.stats.answered(call.action, 503);
    sendJson(call.res, 503, call.unavailable);
    return true;
  }
  return false;
}
