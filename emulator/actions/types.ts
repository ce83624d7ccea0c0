import type { EmulatorContext } from '../context';
import type { Account } from '../types';
import type { Args } from './args';

export interface ActionCall {
  ctx: EmulatorContext;
  account: Account;
  args: Args;
  /** Raw request body (data-upload actions: the chunk). */
  body: Buffer;
  /** Aborted when the client goes away (long polls stop early). */
  signal: AbortSignal;
}

export type ActionResult = Record<string, unknown>;
export type ActionHandler = (call: ActionCall) => ActionResult | Promise<ActionResult>;
