// YAML reading with CloudFormation's short-form tags (`!Ref X`, `!GetAtt X.Arn`, `!Sub ...`) turned
// into their long form (`{ Ref: X }`, `{ 'Fn::GetAtt': [X, Arn] }`), as the framework does. js-yaml
// is the parser the Serverless Framework itself reads serverless.yml with, and it reads vodflow's
// ~1,700 lines about ten times faster than `yaml`'s document API (every local stack start pays it).
import yaml from 'js-yaml';

export class YamlError extends Error {}

// Every intrinsic function with a short form (CloudFormation's template reference), plus Condition.
const INTRINSICS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Length',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Ref',
  'Condition',
] as const;

function longForm(name: string, value: unknown): unknown {
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

// js-yaml's default schema as the framework reads it: merge keys, and no implicit timestamps (an
// IAM policy's `Version: 2012-10-17` stays a string; `!!timestamp` still makes a Date), plus each
// short form on a scalar, a sequence or a mapping.
type Tagged = yaml.Type & { tag: string };
const defaults = yaml.DEFAULT_SCHEMA as unknown as { implicit: Tagged[]; explicit: Tagged[] };
const SCHEMA = new yaml.Schema({
  implicit: defaults.implicit.filter((type) => type.tag !== 'tag:yaml.org,2002:timestamp'),
  explicit: [...defaults.explicit, ...defaults.implicit.filter((type) => type.tag === 'tag:yaml.org,2002:timestamp')],
}).extend(
  INTRINSICS.flatMap((name) =>
    (['scalar', 'sequence', 'mapping'] as const).map(
      (kind) => new yaml.Type(`!${name}`, { kind, construct: (data: unknown) => longForm(name, data) }),
    ),
  ),
);

export function parseYaml(text: string, source = 'YAML'): unknown {
  try {
    return yaml.load(text, { schema: SCHEMA, filename: source }) ?? null;
  } catch (error) {
    if (error instanceof yaml.YAMLException) throw new YamlError(`${source}: ${error.message}`);
    throw error;
  }
}
