// Client (browser) upload, authorised by the client upload signature instead of the common
// parameters (reference §4.1.3, §5.1): InitUploadEx / UploadPartEx / FinishUploadEx, each with
// `signature`. What to do with the file (class, procedure, sourceContext) comes from the
// signature; a bad, expired or reused one-time signature answers -10002 with canRetry 0.
import { verifyUploadSignature, type OneTimeStore, type UploadSignatureParams } from '../../lib/vod/upload-signature';
import type { EmulatorContext } from '../context';
import type { FlatParams } from '../../lib/vod/params';
import { urlOf } from '../tasks/common';
import type { Account, NotifyMode } from '../types';
import { finishedBefore, finishSession, initSession, PROTOCOL_ERROR, sessionOf, uploadError, writePartAsync } from '../uploads/session';
import { parseProcedure, ProcedureError } from '../uploads/procedure-string';
import { render } from '../urls';
import { Args } from './args';
import { classExists } from './classes';
import { typeOf } from './pull';
import { fileShaArg, partArgs } from './upload';
import type { ActionResult } from './types';

export const SIGNATURE_ERROR = -10002;

export interface ClientUploadCall {
  ctx: EmulatorContext;
  params: FlatParams;
  body: Buffer;
}

interface Authorised {
  account: Account;
  sig: UploadSignatureParams;
  /** Hex HMAC of the signature: what one-time use is tracked by. */
  key: string;
  args: Args;
}

const keyOf = (signature: string) => Buffer.from(signature, 'base64').subarray(0, 20).toString('hex');

/**
 * One-time use is claimed by InitUploadEx; the same signature then carries its own session: its
 * parts, its finish, and a repeated InitUploadEx for the same file (a resume) — never a second file.
 */
function oneTimeStore(ctx: EmulatorContext, opening: { fileSha: string | undefined } | false): OneTimeStore {
  return {
    claim(key, expireTime) {
      const { oneTime, uploads } = ctx.store.state;
      const nowS = Date.now() / 1000;
      for (const [k, exp] of Object.entries(oneTime)) if (exp < nowS) delete oneTime[k];
      const sessions = Object.values(uploads).filter((s) => s.signatureKey === key);
      if (!opening) return sessions.length > 0;
      if (oneTime[key] !== undefined) return sessions.some((s) => s.fileSha === opening.fileSha);
      oneTime[key] = expireTime;
      ctx.store.save();
      return true;
    },
  };
}

function authorise(call: ClientUploadCall, opening: boolean): Authorised {
  const resuming = opening ? { fileSha: call.params.fileSha?.toLowerCase() } : false;
  const args = new Args(call.params, PROTOCOL_ERROR, { canRetry: 0 });
  const signature = args.str('signature', { max: 4096 });
  if (!signature) throw uploadError(SIGNATURE_ERROR, 'missing parameter signature (client upload signature)');
  const check = verifyUploadSignature(signature, {
    secretKeyOf: call.ctx.accounts.secretKeyOf,
    oneTimeStore: oneTimeStore(call.ctx, resuming),
  });
  if (!check.ok) throw uploadError(SIGNATURE_ERROR, `signature rejected (${check.rule}): ${check.message}`);
  const account = call.ctx.accounts.get(check.params.secretId);
  if (!account) throw uploadError(SIGNATURE_ERROR, 'the signature names an unknown secretId');
  return { account, sig: check.params, key: keyOf(signature), args };
}

const NOTIFY_MODES: readonly string[] = ['Finish', 'Change', 'None'];

export function initUploadEx(call: ClientUploadCall): ActionResult {
  const { account, sig, key, args } = authorise(call, true);
  const fileSha = fileShaArg(args);
  const fileName = args.str('fileName', { max: 256 }) || args.str('videoName', { max: 256 }) || fileSha;
  const fileType = (args.str('fileType', { max: 16 }) || args.str('videoType', { max: 16 }) || typeOf(fileName)).toLowerCase();
  if (!/^[a-z0-9]{1,8}$/.test(fileType)) throw uploadError(PROTOCOL_ERROR, 'fileType must be an extension such as mp4');
  const classId = sig.classId ?? 0;
  if (!classExists({ ctx: call.ctx, account }, classId))
    throw uploadError(PROTOCOL_ERROR, `the signature's classId ${classId} does not exist`);
  let procedure;
  try {
    procedure = sig.procedure ? parseProcedure(sig.procedure, call.ctx.settings.defaultDefinitions) : undefined;
  } catch (err) {
    if (err instanceof ProcedureError) throw uploadError(PROTOCOL_ERROR, `the signature's procedure: ${err.message}`);
    throw err;
  }
  const notifyMode = (NOTIFY_MODES.includes(sig.taskNotifyMode ?? '') ? sig.taskNotifyMode : 'Finish') as NotifyMode;
  const result = initSession(call.ctx, {
    appId: account.appId,
    fileSha,
    fileSize: args.requiredInt('fileSize', { min: 1 }),
    dataSize: args.requiredInt('dataSize', { min: 1 }),
    fileName,
    fileType,
    classId,
    tags: [],
    sourceType: 'ClientUpload',
    sourceContext: sig.sourceContext,
    procedure,
    notifyMode,
    isTranscode: sig.isTranscode ?? false,
    signatureKey: key,
  });
  return { canRetry: 0, ...result };
}

export async function uploadPartEx(call: ClientUploadCall): Promise<ActionResult> {
  const { account, args } = authorise(call, false);
  const session = sessionOf(call.ctx, account.appId, fileShaArg(args));
  await writePartAsync(call.ctx, session, partArgs(args), call.body);
  return { canRetry: 0 };
}

export async function finishUploadEx(call: ClientUploadCall): Promise<ActionResult> {
  const { account, args } = authorise(call, false);
  const fileSha = fileShaArg(args);
  const known = finishedBefore(call.ctx, account.appId, fileSha);
  if (known) return { canRetry: 0, ...known };
  const session = sessionOf(call.ctx, account.appId, fileSha);
  const { file } = await finishSession(call.ctx, session);
  return { canRetry: 0, fileId: file.fileId, url: render(urlOf(file, file.sourceName), call.ctx.baseUrl()) };
}

export const CLIENT_UPLOAD_ACTIONS: ReadonlyMap<string, (call: ClientUploadCall) => ActionResult | Promise<ActionResult>> = new Map(
  Object.entries({ InitUploadEx: initUploadEx, UploadPartEx: uploadPartEx, FinishUploadEx: finishUploadEx }),
);
