// YAML reading with CloudFormation's short-form tags (`!Ref X`, `!GetAtt X.Arn`, `!Sub ...`) turned
// into their long form (`{ Ref: X }`, `{ 'Fn::GetAtt': [X, Arn] }`), as the framework does.
import { type Alias, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export class YamlError extends Error {}

export function parseYaml(text: string, source = 'YAML'): unknown {
  const doc = parseDocument(text, { prettyErrors: true, merge: true });
  if (doc.errors.length) throw new YamlError(`${source}: ${doc.errors.map((e) => e.message).join('\n')}`);
  return convert(doc.contents as Node | null, doc);
}

function convert(node: Node | null | undefined, doc: Document): unknown {
  if (!node) return null;
  if (isAlias(node)) return convert((node as Alias).resolve(doc) as Node | undefined, doc);
  let value: unknown;
  if (isScalar(node)) value = node.value;
  else if (isSeq(node)) value = node.items.map((item) => convert(item as Node, doc));
  else if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(convert(pair.key as Node, doc));
      if (key === '<<') {
        // merge key: `<<: *anchor` copies the anchor's entries without overriding explicit ones
        const merged = convert(pair.value as Node, doc);
        for (const source of Array.isArray(merged) ? merged : [merged]) {
          if (source && typeof source === 'object') for (const [k, v] of Object.entries(source)) if (!(k in out)) out[k] = v;
        }
        continue;
      }
      out[key] = convert(pair.value as Node, doc);
    }
    value = out;
  } else value = null;
  return node.tag ? applyTag(node.tag, value) : value;
}

function applyTag(tag: string, value: unknown): unknown {
  if (!tag.startsWith('!') || tag.startsWith('!!')) return value;
  const name = tag.slice(1);
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}
