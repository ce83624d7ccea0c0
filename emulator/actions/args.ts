// Reading action parameters from the flat form: typed, bounded, and every problem named in a
// 4000 (or, on the upload host, -10003) answer.
import { unflattenParams, type FlatParams, type Unflattened } from '../../lib/vod/params';
import { ApiError } from '../protocol';

const INT = /^-?\d{1,15}$/;
const INDEX = /^\d{1,9}$/;

export class Args {
  private tree?: ReturnType<typeof unflattenParams>;

  constructor(
    readonly params: FlatParams,
    private readonly errorCode = 4000,
    private readonly extra: Record<string, unknown> = {},
  ) {}

  fail(message: string): never {
    throw new ApiError(this.errorCode, message, this.extra);
  }

  /** Own parameters only: a name like `constructor` is never read off a prototype. */
  private value(name: string): string | undefined {
    return Object.hasOwn(this.params, name) ? this.params[name] : undefined;
  }

  has(name: string): boolean {
    const v = this.value(name);
    return v !== undefined && v !== '';
  }

  str(name: string, opts: { max?: number } = {}): string | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    if (v.length > (opts.max ?? 1024)) this.fail(`${name} is longer than ${opts.max ?? 1024} characters`);
    return v;
  }

  requiredStr(name: string, opts: { max?: number } = {}): string {
    const v = this.str(name, opts);
    if (v === undefined || v === '') this.fail(`missing parameter ${name}`);
    return v;
  }

  int(name: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.value(name);
    if (v === undefined || v === '') return undefined;
    if (!INT.test(v)) this.fail(`${name} must be an integer`);
    const n = Number(v);
    if (opts.min !== undefined && n < opts.min) this.fail(`${name} must be ≥ ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) this.fail(`${name} must be ≤ ${opts.max}`);
    return n;
  }

  requiredInt(name: string, opts: { min?: number; max?: number } = {}): number {
    const n = this.int(name, opts);
    if (n === undefined) this.fail(`missing parameter ${name}`);
    return n;
  }

  flag(name: string): boolean | undefined {
    const n = this.int(name, { min: 0, max: 1 });
    return n === undefined ? undefined : n === 1;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.value(name);
    if (v === undefined || v === '') return undefined;
    if (!(values as readonly string[]).includes(v)) this.fail(`${name} must be one of ${values.join(', ')}`);
    return v as T;
  }

  /** `name.N` values ordered by N, whatever the base and gaps (reference §2.6). */
  list(name: string, max = 100): string[] {
    const prefix = `${name}.`;
    const entries: Array<[number, string]> = [];
    for (const [key, value] of Object.entries(this.params)) {
      if (!key.startsWith(prefix)) continue;
      const index = key.slice(prefix.length);
      if (!INDEX.test(index)) continue;
      entries.push([Number(index), value]);
    }
    if (entries.length > max) this.fail(`${name} has more than ${max} items`);
    return entries.sort(([a], [b]) => a - b).map(([, v]) => v);
  }

  intList(name: string, opts: { min?: number; max?: number; maxItems?: number } = {}): number[] {
    return this.list(name, opts.maxItems).map((v, i) => {
      if (!INT.test(v)) this.fail(`${name}.${i} must be an integer`);
      const n = Number(v);
      if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max))
        this.fail(`${name} item ${v} is out of range`);
      return n;
    });
  }

  /** Nested view, e.g. `pullset.0.url` → tree.pullset[0].url. */
  nested(name: string): Unflattened | undefined {
    this.tree ??= unflattenParams(this.params);
    return Object.hasOwn(this.tree, name) ? this.tree[name] : undefined;
  }

  /** `name.N.field` groups as plain records, ordered by N. */
  records(name: string, max: number): Array<Record<string, string>> {
    const node = this.nested(name);
    if (node === undefined) return [];
    if (!Array.isArray(node)) this.fail(`${name} must be a list: ${name}.0.field, ${name}.1.field, …`);
    if (node.length > max) this.fail(`${name} has more than ${max} items`);
    return node.map((item, i) => {
      if (typeof item !== 'object' || Array.isArray(item)) this.fail(`${name}.${i} must have fields (${name}.${i}.<field>)`);
      const rec: Record<string, string> = Object.create(null);
      for (const [k, v] of Object.entries(item)) if (typeof v === 'string') rec[k] = v;
      return rec;
    });
  }
}
