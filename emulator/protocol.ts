// The API 2.0 envelope and the checks every general call goes through (reference §1.2, §2, §3):
// common parameters, SecretId, Timestamp window, signature over the Host header the client used,
// Nonce replay. Everything here answers with an ApiError, never throws anything else.
import { verify } from '../lib/vod/signer';
import type { FlatParams } from '../lib/vod/params';
import type { AccountBook } from './accounts';
import type { ReplayGuard } from './replay';
import type { Account } from './types';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const CODE_DESC: ReadonlyMap<number, string> = new Map([
  [0, 'Success'],
  [4000, 'InvalidParameter'],
  [4100, 'AuthFailure'],
  [4104, 'SecretIdNotFound'],
  [4200, 'RequestExpired'],
  [4400, 'LimitExceeded'],
  [4500, 'ReplayAttack'],
  [6000, 'InternalError'],
  [6100, 'ActionNotSupported'],
]);

export const codeDesc = (code: number): string => CODE_DESC.get(code) ?? (code < 0 ? 'UploadFailure' : 'FailedOperation');

export function envelope(code: number, message: string, body: Record<string, unknown> = {}): Record<string, unknown> {
  return { code, message, codeDesc: codeDesc(code), ...body };
}

export const COMMON_PARAMS = ['Action', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature'] as const;

const UINT = /^\d{1,20}$/;

export interface AuthInput {
  method: string;
  host: string | undefined;
  path: string;
  params: FlatParams;
  /** Data-upload actions: vod-node-v4 sends Timestamp in milliseconds (reference §2.5). */
  acceptMillis: boolean;
}

export function authenticate(input: AuthInput, accounts: AccountBook, replay: ReplayGuard): Account {
  const { params } = input;
  for (const name of COMMON_PARAMS) {
    if (params[name] === undefined || params[name] === '') throw new ApiError(4000, `missing common parameter ${name}`);
  }
  if (params.Region!.length > 64) throw new ApiError(4000, 'Region is too long');
  if (!UINT.test(params.Timestamp!)) throw new ApiError(4000, 'Timestamp must be a UNIX time in seconds (unsigned integer)');
  if (!UINT.test(params.Nonce!)) throw new ApiError(4000, 'Nonce must be an unsigned integer');
  // "只有指定此参数为HmacSHA256时，才使用HmacSHA256算法验证签名，其他情况均使用HmacSHA1验证签名"
  // (reference §1.2): any other SignatureMethod, even a misspelling, is verified as HmacSHA1.
  if ((params.SignatureMethod ?? '').length > 64) throw new ApiError(4000, 'SignatureMethod is too long');
  if (!input.host) throw new ApiError(4000, 'the Host header is required: the signature covers it');
  const account = accounts.get(params.SecretId!);
  if (!account) throw new ApiError(4100, 'Authentication failed. SecretId does not exist');
  let timestamp = Number(params.Timestamp);
  if (input.acceptMillis && timestamp > 1e12) timestamp = Math.floor(timestamp / 1000);
  if (!replay.fresh(timestamp)) {
    throw new ApiError(
      4500,
      `Timestamp ${params.Timestamp} is outside ±${replay.windowSeconds} s of the server time ${Math.floor(Date.now() / 1000)}`,
    );
  }
  const result = verify({ method: input.method, host: input.host, path: input.path, params, secretKey: account.secretKey });
  if (!result.ok) {
    const hint = result.hint ? ` (hint: ${result.hint})` : '';
    throw new ApiError(
      4100,
      `signature check failed: ${result.message}; the string to sign is ${input.method}${input.host}${input.path}?<sorted params>${hint}`,
    );
  }
  if (!replay.claim(account.secretId, timestamp, params.Nonce!)) {
    throw new ApiError(4500, 'Nonce already used with this Timestamp: replayed request');
  }
  return account;
}
