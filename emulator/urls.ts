// Media URLs have the documented shape `${base}/vod${appId}/${fileId}/${name}` (reference §4.8).
// They are stored with a placeholder base and rendered per response, because the emulator's
// address (port, public URL) can differ between runs over the same data dir.
import { join } from 'node:path';

const BASE = '@base@';

export const storedUrl = (appId: number, fileId: string, name: string): string => `${BASE}/vod${appId}/${fileId}/${name}`;

export function render<T>(value: T, base: string): T {
  if (typeof value === 'string') return (value.startsWith(BASE) ? base + value.slice(BASE.length) : value) as T;
  if (Array.isArray(value)) return value.map((v) => render(v, base)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null); // keys copied as data, `__proto__` included
    for (const [k, v] of Object.entries(value)) out[k] = render(v, base);
    return out as T;
  }
  return value;
}

export const fileDir = (mediaRoot: string, appId: number, fileId: string): string => join(mediaRoot, `vod${appId}`, fileId);
