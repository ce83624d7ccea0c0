// API 2.0 parameters travel flat: arrays as `name.N`, objects as `parent.child`.
// These two functions convert between a nested value and that flat form.

export type ParamValue = string | number | boolean | null | undefined | readonly ParamValue[] | { readonly [key: string]: ParamValue };

export type FlatParams = Record<string, string>;

export interface FlattenOptions {
  /** First array index. VOD docs use 0 almost everywhere, 1 for a few actions (msgHandle, tags). */
  indexBase?: number;
}

/** Flatten nested params to `a.0`, `a.b.c`; null/undefined are dropped, booleans become 1/0. */
export function flattenParams(input: Record<string, ParamValue>, options: FlattenOptions = {}): FlatParams {
  const indexBase = options.indexBase ?? 0;
  // Null prototype: a parameter named `__proto__` is sent, not swallowed as a prototype swap.
  const out: FlatParams = Object.create(null);
  const walk = (prefix: string, value: ParamValue): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(`${prefix}.${i + indexBase}`, item));
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(prefix ? `${prefix}.${key}` : key, item);
    } else if (typeof value === 'boolean') {
      out[prefix] = value ? '1' : '0';
    } else {
      out[prefix] = String(value);
    }
  };
  for (const [key, value] of Object.entries(input)) walk(key, value);
  return out;
}

export type Unflattened = string | Unflattened[] | { [key: string]: Unflattened };

const INDEX = /^(0|[1-9]\d{0,8})$/;

/**
 * Rebuild nested values from flat names. A level whose keys are all integers becomes an array
 * ordered by index, whatever the base and even with gaps (ProcessFile's own example skips 2).
 * A name that is both a leaf and a parent (`a=1&a.b=2`) keeps the leaf under the key `''`.
 */
export function unflattenParams(flat: FlatParams): { [key: string]: Unflattened } {
  type Node = { leaf?: string; children: Map<string, Node> };
  const root: Node = { children: new Map() };
  for (const [name, value] of Object.entries(flat)) {
    let node = root;
    for (const part of name.split('.')) {
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = { children: new Map() }));
      node = next;
    }
    node.leaf = value;
  }
  const build = (node: Node): Unflattened => {
    if (node.children.size === 0) return node.leaf ?? '';
    const keys = [...node.children.keys()];
    if (node.leaf === undefined && keys.every((k) => INDEX.test(k))) {
      return keys
        .map(Number)
        .sort((a, b) => a - b)
        .map((k) => build(node.children.get(String(k))!));
    }
    // Names come from requests: no prototype, so `__proto__.x` is a key, not a prototype swap.
    const obj: { [key: string]: Unflattened } = Object.create(null);
    if (node.leaf !== undefined) obj[''] = node.leaf;
    for (const key of keys) obj[key] = build(node.children.get(key)!);
    return obj;
  };
  const top: { [key: string]: Unflattened } = Object.create(null);
  for (const [key, child] of root.children) top[key] = build(child);
  return top;
}
