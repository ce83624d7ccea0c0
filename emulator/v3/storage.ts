// API 3.0 push upload (vod-v3-api.md §4.2-4.4): ApplyUpload hands out a storage path and a
// temporary certificate, the bytes arrive as a COS-signed `PUT /cos/<bucket><path>` on this port
// (standing in for <bucket>.cos.<region>.myqcloud.com), CommitUpload turns them into a file of
// the shared store — visible to the v2 API like any other. Sessions live in memory: an emulator
// restart between apply and commit answers InvalidParameterValue.VodSessionKey.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { cosAuthorization } from '../../lib/vod/v3/storage';
import type { EmulatorContext } from '../context';
import { newFileId } from '../ids';
import { dirOf, newVodFile, probeInBackground, urlOf } from '../tasks/common';
import { render } from '../urls';
import { int, str, type V3Handler } from './args';
import { V3Error } from './codes';

interface V3Upload {
  sessionKey: string;
  appId: number;
  bucket: string;
  path: string;
  name: string;
  type: string;
  classId: number;
  cert: { secretId: string; secretKey: string; token: string; expiredTime: number };
  received?: number;
}

const sessionsByCtx = new WeakMap<EmulatorContext, Map<string, V3Upload>>();
const sessions = (ctx: EmulatorContext) => {
  let m = sessionsByCtx.get(ctx);
  if (!m) sessionsByCtx.set(ctx, (m = new Map()));
  return m;
};
const hex = (n: number) => randomBytes(n).toString('hex');
const bytesPath = (ctx: EmulatorContext, u: V3Upload) => join(ctx.store.uploadRoot, `v3-${u.sessionKey}.bin`);
const CERT_TTL_S = 3600;

export const applyUpload: V3Handler = (call) => {
  if (!call.region) throw new V3Error('MissingParameter', 'ApplyUpload needs the common parameter Region (X-TC-Region)');
  const type = str(call.body3, 'MediaType', { required: true, max: 16 })!.toLowerCase();
  if (!/^[a-z0-9]{1,8}$/.test(type)) throw new V3Error('InvalidParameterValue.MediaType', 'MediaType must be an extension such as mp4');
  const classId = int(call.body3, 'ClassId') ?? 0;
  const name = str(call.body3, 'MediaName', { max: 256 }) ?? `upload.${type}`;
  const sessionKey = hex(24);
  const bucket = `vodflow${call.account.appId}`;
  const u: V3Upload = {
    sessionKey,
    appId: call.account.appId,
    bucket,
    path: `/${hex(8)}/f0.${type}`,
    name,
    type,
    classId,
    cert: { secretId: `AKIDtmp${hex(12)}`, secretKey: hex(16), token: hex(24), expiredTime: Math.floor(Date.now() / 1000) + CERT_TTL_S },
  };
  sessions(call.ctx).set(sessionKey, u);
  return {
    StorageBucket: bucket,
    StorageRegion: call.region,
    VodSessionKey: sessionKey,
    MediaStoragePath: u.path,
    CoverStoragePath: '',
    TempCertificate: { SecretId: u.cert.secretId, SecretKey: u.cert.secretKey, Token: u.cert.token, ExpiredTime: u.cert.expiredTime },
  };
};

export const commitUpload: V3Handler = (call) => {
  if (!call.region) throw new V3Error('MissingParameter', 'CommitUpload needs the common parameter Region (X-TC-Region)');
  const key = str(call.body3, 'VodSessionKey', { required: true, max: 256 })!;
  const u = sessions(call.ctx).get(key);
  if (!u || u.appId !== call.account.appId)
    throw new V3Error('InvalidParameterValue.VodSessionKey', 'no such upload session (expired, committed, or from another application)');
  if (u.received === undefined) throw new V3Error('FailedOperation', `nothing was uploaded to ${u.path} yet`);
  const { ctx } = call;
  const { state } = ctx.store;
  const fileId = newFileId((id) => Object.hasOwn(state.files, id) || Object.hasOwn(state.deleted, id));
  const file = newVodFile({
    fileId,
    appId: u.appId,
    name: u.name,
    type: u.type,
    sourceType: 'ServerUpload',
    sourceName: `f0.${u.type}`,
    status: 'normal',
    size: u.received,
    classId: u.classId,
  });
  renameSync(bytesPath(ctx, u), join(dirOf(ctx, file), file.sourceName));
  state.files[fileId] = file;
  sessions(ctx).delete(key);
  ctx.store.save();
  const mediaUrl = render(urlOf(file, file.sourceName), ctx.baseUrl());
  ctx.events.emit(u.appId, 'NewFileUpload', {
    fileId,
    fileName: file.name,
    coverUrl: '',
    fileUrl: urlOf(file, file.sourceName),
    author: '',
    sourceType: 'ServerUpload',
    sourceContext: '',
    procedureTaskId: '',
    transcodeTaskId: '',
  });
  void probeInBackground(ctx, file);
  return { FileId: fileId, MediaUrl: mediaUrl, CoverUrl: '' };
};

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** COS's error answer: XML (COS doc 436/7730), with a request id as COS gives one. */
function cosError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlText(code)}</Code><Message>${xmlText(message)}</Message><RequestId>${randomBytes(16).toString('hex')}</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `PUT /cos/<bucket><MediaStoragePath>`, COS-signed with the session's temporary certificate. */
export async function handleStoragePut(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method !== 'PUT') {
    req.resume();
    return cosError(res, 405, 'MethodNotAllowed', 'only PUT Object is emulated');
  }
  const rest = decodeURIComponent(path.slice('/cos/'.length));
  const slash = rest.indexOf('/');
  const bucket = rest.slice(0, slash);
  const key = rest.slice(slash);
  const u = [...sessions(ctx).values()].find((s) => s.bucket === bucket && s.path === key);
  if (!u) {
    req.resume();
    return cosError(res, 404, 'NoSuchUpload', 'no upload session for this bucket and key');
  }
  const auth = new URLSearchParams(String(req.headers.authorization ?? ''));
  const keyTime = (auth.get('q-key-time') ?? '').split(';').map(Number) as [number, number];
  const now = Date.now() / 1000;
  const headerNames = (auth.get('q-header-list') ?? '').split(';').filter(Boolean);
  const signed: Record<string, string> = {};
  for (const h of headerNames) signed[h] = String(req.headers[h] ?? '');
  const expected = cosAuthorization({
    method: 'PUT',
    path: key,
    headers: signed,
    secretId: u.cert.secretId,
    secretKey: u.cert.secretKey,
    keyTime,
  });
  const got = Buffer.from(String(req.headers.authorization ?? ''));
  const want = Buffer.from(expected);
  const tokenOk = req.headers['x-cos-security-token'] === u.cert.token;
  if (
    auth.get('q-ak') !== u.cert.secretId ||
    !tokenOk ||
    !headerNames.includes('host') ||
    got.length !== want.length ||
    !timingSafeEqual(got, want)
  ) {
    req.resume();
    return cosError(
      res,
      403,
      'SignatureDoesNotMatch',
      'the COS signature, key or security token does not match the ApplyUpload certificate',
    );
  }
  if (!(keyTime[0]! <= now && now <= keyTime[1]!) || now > u.cert.expiredTime) {
    req.resume();
    return cosError(res, 403, 'RequestTimeTooSkewed', 'the signature or the temporary certificate has expired');
  }
  const target = bytesPath(ctx, u);
  try {
    await pipeline(req, createWriteStream(target));
  } catch (err) {
    rmSync(target, { force: true });
    throw err;
  }
  const size = statSync(target).size;
  if (size > ctx.settings.limits.maxFileBytes) {
    rmSync(target, { force: true });
    return cosError(res, 400, 'EntityTooLarge', `larger than ${ctx.settings.limits.maxFileBytes} bytes`);
  }
  u.received = size;
  res.writeHead(200, { etag: `"${hex(16)}"`, 'content-length': '0' });
  res.end();
}
