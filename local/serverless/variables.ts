// Resolves the serverless framework (v3 / osls) `${source:address, fallback}` variables that have a
// meaning on one machine. Sources that need AWS (ssm, cf, s3, ...) become `Unresolved` markers so
// the caller can demand a local override instead of failing on values it never uses.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYaml } from './yaml-tags';

export interface VariableContext {
  /** The whole parsed document (unresolved); `self:` addresses into it. */
  document: Record<string, unknown>;
  /** Folder of serverless.yml, for `file(...)`. */
  baseDir: string;
  stage: string;
  region: string;
  accountId: string;
  options: Record<string, string>; // `opt:` (CLI options such as stage, region)
  params: Record<string, string>; // `param:` after stage/default merging
  env: Record<string, string | undefined>;
}

/** A value that only AWS can produce (e.g. `${ssm:/x}`), kept so a local override can replace it. */
export class Unresolved {
  constructor(readonly expression: string) {}
}

export class VariableError extends Error {}

const CLOUD_ONLY_SOURCES = new Set(['ssm', 'cf', 's3', 'secretsmanager', 'terraform', 'vault', 'doppler']);

/** Resolves every `${...}` in `value` (deeply). Exact `${x}` strings keep the referenced type. */
export function resolveVariables(value: unknown, ctx: VariableContext, where = ''): unknown {
  return new Resolver(ctx).resolve(value, where, []);
}

class Resolver {
  constructor(private readonly ctx: VariableContext) {}

  resolve(value: unknown, where: string, stack: string[]): unknown {
    if (typeof value === 'string') return this.resolveString(value, where, stack);
    if (Array.isArray(value)) return value.map((item, i) => this.resolve(item, `${where}[${i}]`, stack));
    if (value && typeof value === 'object' && !(value instanceof Unresolved)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.resolve(item, where ? `${where}.${key}` : key, stack);
      return out;
    }
    return value;
  }

  private resolveString(text: string, where: string, stack: string[], from = 0): unknown {
    const first = text.indexOf('${', from);
    if (first < 0) return text;
    const end = matchingBrace(text, first);
    if (end < 0) throw new VariableError(`${where}: unbalanced "\${" in ${JSON.stringify(text)}`);
    const inner = text.slice(first + 2, end);
    // Like the framework's parser: only `${type:...}` / `${type(...)}` with a lower-case type are
    // variables; `${AWS::Region}` or `${Queue.Arn}` belong to CloudFormation's Fn::Sub.
    if (!/^[a-z][a-zA-Z0-9]*[:(]/.test(inner)) return this.resolveString(text, where, stack, end + 1);
    const value = this.evaluate(inner, where, stack);
    if (first === 0 && end === text.length - 1) return value; // whole string: keep the type
    if (value instanceof Unresolved) return new Unresolved(text);
    if (value !== null && typeof value === 'object') {
      throw new VariableError(`${where}: \${${inner}} is an object and cannot be embedded in a string`);
    }
    const replaced = text.slice(0, first) + String(value ?? '');
    const rest = this.resolveString(replaced + text.slice(end + 1), where, stack, replaced.length);
    return rest instanceof Unresolved ? new Unresolved(text) : rest;
  }

  /** `inner` is the text between `${` and `}`: `source:address[, fallback]`. */
  private evaluate(inner: string, where: string, stack: string[]): unknown {
    // Nested variables inside the expression (e.g. `self:custom.${sls:stage}`) resolve first.
    const resolvedInner = this.resolveNestedInExpression(inner, where, stack);
    if (resolvedInner instanceof Unresolved) return resolvedInner;
    const [head, ...fallbacks] = splitTopLevel(resolvedInner, ',').map((part) => part.trim());
    const primary = this.lookup(head ?? '', where, stack);
    if (primary !== undefined && primary !== null && !(primary instanceof Unresolved && fallbacks.length)) return primary;
    for (const fallback of fallbacks) {
      const value = this.fallbackValue(fallback, where, stack);
      if (value !== undefined) return value;
    }
    if (primary instanceof Unresolved) return primary;
    throw new VariableError(`${where}: variable \${${inner}} has no value and no default`);
  }

  private resolveNestedInExpression(inner: string, where: string, stack: string[]): string | Unresolved {
    if (!inner.includes('${')) return inner;
    const value = this.resolveString(inner, where, stack);
    if (value instanceof Unresolved) return value;
    return String(value);
  }

  private fallbackValue(text: string, where: string, stack: string[]): unknown {
    const quoted = /^(['"])(.*)\1$/s.exec(text);
    if (quoted) return quoted[2];
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    if (text === 'true' || text === 'false') return text === 'true';
    if (text === 'null') return null;
    if (/^[a-zA-Z]+(\(.*\))?:/.test(text)) {
      const value = this.lookup(text, where, stack);
      return value instanceof Unresolved ? undefined : (value ?? undefined);
    }
    throw new VariableError(`${where}: cannot read default value ${JSON.stringify(text)} (quote strings)`);
  }

  private lookup(expression: string, where: string, stack: string[]): unknown {
    const file = /^file\((.+?)\)(?::(.*))?$/.exec(expression);
    if (file) return this.fromFile(file[1]!.trim(), file[2]?.trim(), where, stack);
    const colon = expression.indexOf(':');
    if (colon < 0) throw new VariableError(`${where}: unsupported variable \${${expression}}`);
    const source = expression.slice(0, colon);
    const address = expression.slice(colon + 1).trim();
    const { ctx } = this;
    switch (source) {
      case 'self':
        return this.fromSelf(address, where, stack);
      case 'sls':
        if (address === 'stage') return ctx.stage;
        if (address === 'instanceId') return 'local';
        break;
      case 'opt':
        return ctx.options[address];
      case 'env':
        return ctx.env[address] === '' ? undefined : ctx.env[address];
      case 'param':
        return ctx.params[address];
      case 'aws':
        if (address === 'region') return ctx.region;
        if (address === 'accountId') return ctx.accountId;
        if (address === 'partition') return 'aws';
        break;
      default:
        if (CLOUD_ONLY_SOURCES.has(source)) return new Unresolved(`\${${expression}}`);
    }
    throw new VariableError(
      `${where}: unsupported variable \${${expression}} (locally supported: self, sls:stage, opt, env, param, aws:region|accountId, file())`,
    );
  }

  private fromSelf(address: string, where: string, stack: string[]): unknown {
    if (stack.includes(address)) throw new VariableError(`${where}: circular reference \${self:${address}}`);
    const raw = address === '' ? this.ctx.document : getPath(this.ctx.document, address);
    if (raw === undefined) return undefined;
    return this.resolve(raw, address, [...stack, address]);
  }

  private fromFile(file: string, address: string | undefined, where: string, stack: string[]): unknown {
    const full = path.resolve(this.ctx.baseDir, file.replace(/^['"]|['"]$/g, ''));
    let parsed: unknown;
    try {
      const text = readFileSync(full, 'utf8');
      parsed = full.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (error) {
      throw new VariableError(`${where}: cannot read ${full} for \${file(${file})}: ${(error as Error).message}`);
    }
    const value = address ? getPath(parsed, address) : parsed;
    return this.resolve(value, `${where}<${file}>`, stack);
  }
}

export function getPath(root: unknown, dotted: string): unknown {
  let node = root;
  for (const key of dotted.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Index of the `}` closing the `${` at `start`, honouring nesting; -1 if unbalanced. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Splits on `sep` outside quotes and parentheses. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === sep && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}
