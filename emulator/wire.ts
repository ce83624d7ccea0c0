// Strict parsing of `a=1&b=2` (query strings and form bodies): every malformed input becomes a
// WireError the protocol layer turns into code 4000, never an exception that escapes.
import type { FlatParams } from '../lib/vod/params';

export class WireError extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const PERCENT = /%(?![0-9a-fA-F]{2})/;

/** Form decoding: `+` is a space, `%XX` bytes must form valid UTF-8. */
export function decodeComponent(raw: string, what: string): string {
  // Most names and values are plain (ids, numbers, words): nothing to check or decode.
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  if (PERCENT.test(raw)) throw new WireError(`${what}: bad percent-encoding`);
  // Runs of %XX are decoded together: a multi-byte character is always one run.
  return raw.replaceAll('+', ' ').replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.slice(1).split('%'), (h) => parseInt(h, 16));
    try {
      return utf8.decode(bytes);
    } catch {
      throw new WireError(`${what}: not valid UTF-8 after percent-decoding`);
    }
  });
}

export interface ParseLimits {
  maxParams: number;
  /** Default 256. */
  maxNameLength?: number;
}

export function parseParamString(raw: string, limits: ParseLimits): FlatParams {
  const out: FlatParams = Object.create(null) as FlatParams;
  if (raw === '') return out;
  const pairs = raw.split('&');
  if (pairs.length > limits.maxParams) throw new WireError(`too many parameters (more than ${limits.maxParams})`);
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq), 'parameter name');
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1), `parameter ${name.slice(0, 64)}`);
    if (name === '') throw new WireError('empty parameter name');
    if (name.length > (limits.maxNameLength ?? 256)) throw new WireError(`parameter name longer than ${limits.maxNameLength ?? 256}`);
    if (Object.hasOwn(out, name)) throw new WireError(`duplicated parameter ${name}`);
    out[name] = value;
  }
  return out;
}
