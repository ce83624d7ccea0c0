// Evaluates the CloudFormation intrinsics serverless.yml uses to wire resources together (Ref,
// Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split) against locally known names. Queue URLs
// contain the local SQS port, so they stay symbolic (`{ queueUrl }`) until run time.
import type { Value, ValuePart } from './model';
import { Unresolved } from './variables';

export class IntrinsicError extends Error {}

export interface RawResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface PseudoParameters {
  region: string;
  accountId: string;
  stackName: string;
}

/** A string whose parts may only be known at run time (see ValuePart). */
export class Parts {
  constructor(readonly parts: Value) {}
  static of(value: string | Value): Parts {
    return new Parts(typeof value === 'string' ? [value] : value);
  }
}

const NAME_PROPERTY: Record<string, string> = {
  'AWS::SQS::Queue': 'QueueName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
};

export class Intrinsics {
  private readonly naming = new Set<string>();

  constructor(
    private readonly resources: Record<string, RawResource>,
    private readonly pseudo: PseudoParameters,
  ) {}

  /** Deep evaluation: intrinsic objects become Parts (strings) or their list/scalar results. */
  evaluate(node: unknown, where: string): unknown {
    if (node instanceof Unresolved) return new Parts([{ unresolved: node.expression }]);
    if (Array.isArray(node)) return node.map((item, i) => this.evaluate(item, `${where}[${i}]`));
    if (!node || typeof node !== 'object' || node instanceof Parts) return node;
    const entries = Object.entries(node);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1], where);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) out[key] = this.evaluate(item, `${where}.${key}`);
    return out;
  }

  /** Evaluates to a string-like Value (parts). */
  toValue(node: unknown, where: string): Value {
    const evaluated = this.evaluate(node, where);
    if (evaluated instanceof Parts) return evaluated.parts;
    if (typeof evaluated === 'string' || typeof evaluated === 'number' || typeof evaluated === 'boolean') return [String(evaluated)];
    throw new IntrinsicError(`${where}: expected a string, got ${JSON.stringify(evaluated)}`);
  }

  /** Evaluates to a plain string; fails if it depends on run-time parts (queue URLs, ssm, ...). */
  toStaticString(node: unknown, where: string): string {
    const parts = this.toValue(node, where);
    if (parts.every((part): part is string => typeof part === 'string')) return parts.join('');
    throw new IntrinsicError(`${where}: must be known before start (got ${JSON.stringify(parts)})`);
  }

  resourceType(logicalId: string): string | undefined {
    return this.resources[logicalId]?.Type;
  }

  /** Physical name: the declared name property, else a CloudFormation-like `stack-LogicalId`. */
  resourceName(logicalId: string): string {
    const resource = this.resources[logicalId];
    if (!resource) throw new IntrinsicError(`unknown resource ${logicalId}`);
    const property = NAME_PROPERTY[resource.Type];
    if (!property) throw new IntrinsicError(`resource ${logicalId} has type ${resource.Type}, not supported locally`);
    const declared = resource.Properties?.[property];
    if (declared === undefined) {
      const generated = `${this.pseudo.stackName}-${logicalId}`;
      const fifo = resource.Properties?.FifoQueue === true || resource.Properties?.FifoQueue === 'true';
      return resource.Type === 'AWS::S3::Bucket' ? generated.toLowerCase() : fifo ? `${generated}.fifo` : generated;
    }
    if (this.naming.has(logicalId)) throw new IntrinsicError(`circular name reference through ${logicalId}`);
    this.naming.add(logicalId);
    try {
      return this.toStaticString(declared, `resources.${logicalId}.Properties.${property}`);
    } finally {
      this.naming.delete(logicalId);
    }
  }

  arn(logicalId: string): string {
    const type = this.resourceType(logicalId);
    const name = this.resourceName(logicalId);
    const { region, accountId } = this.pseudo;
    if (type === 'AWS::SQS::Queue') return `arn:aws:sqs:${region}:${accountId}:${name}`;
    if (type === 'AWS::DynamoDB::Table') return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
    return `arn:aws:s3:::${name}`;
  }

  attribute(logicalId: string, attribute: string | undefined, where: string): Value {
    const type = this.resourceType(logicalId);
    if (!type) throw new IntrinsicError(`${where}: reference to unknown resource ${logicalId}`);
    const name = this.resourceName(logicalId);
    if (type === 'AWS::SQS::Queue') {
      if (attribute === undefined || attribute === 'QueueUrl') return [{ queueUrl: logicalId }];
      if (attribute === 'Arn') return [this.arn(logicalId)];
      if (attribute === 'QueueName') return [name];
    } else if (type === 'AWS::DynamoDB::Table') {
      if (attribute === undefined) return [name];
      if (attribute === 'Arn') return [this.arn(logicalId)];
    } else if (type === 'AWS::S3::Bucket') {
      if (attribute === undefined) return [name];
      if (attribute === 'Arn') return [this.arn(logicalId)];
    }
    throw new IntrinsicError(
      `${where}: ${attribute ? `Fn::GetAtt ${logicalId}.${attribute}` : `Ref ${logicalId}`} is not supported locally`,
    );
  }

  private intrinsic(fn: string, arg: unknown, where: string): unknown {
    switch (fn) {
      case 'Ref':
        return new Parts(this.ref(String(arg), where));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/s);
        if (!logicalId || !attribute) throw new IntrinsicError(`${where}: Fn::GetAtt takes [LogicalId, Attribute]`);
        return new Parts(this.attribute(logicalId, attribute, where));
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) throw new IntrinsicError(`${where}: Fn::Join takes [delimiter, list]`);
        const delimiter = String(arg[0]);
        const list = this.evaluate(arg[1], where);
        if (!Array.isArray(list)) throw new IntrinsicError(`${where}: Fn::Join needs a list`);
        const parts: Value = [];
        list.forEach((item, i) => {
          if (i > 0) parts.push(delimiter);
          parts.push(...this.toValue(item, `${where}[${i}]`));
        });
        return new Parts(merge(parts));
      }
      case 'Fn::Sub':
        return new Parts(this.sub(arg, where));
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) throw new IntrinsicError(`${where}: Fn::Select takes [index, list]`);
        const list = this.evaluate(arg[1], where);
        const item = Array.isArray(list) ? list[Number(this.toStaticString(arg[0], where))] : undefined;
        if (item === undefined) throw new IntrinsicError(`${where}: Fn::Select index out of range`);
        return item;
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2) throw new IntrinsicError(`${where}: Fn::Split takes [delimiter, string]`);
        return this.toStaticString(arg[1], where).split(String(arg[0]));
      }
      default:
        throw new IntrinsicError(
          `${where}: ${fn} is not supported by the local stack (supported: Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split)`,
        );
    }
  }

  private ref(name: string, where: string): Value {
    switch (name) {
      case 'AWS::Region':
        return [this.pseudo.region];
      case 'AWS::AccountId':
        return [this.pseudo.accountId];
      case 'AWS::StackName':
        return [this.pseudo.stackName];
      case 'AWS::Partition':
        return ['aws'];
      case 'AWS::URLSuffix':
        return ['amazonaws.com'];
      default:
        return this.attribute(name, undefined, where);
    }
  }

  private sub(arg: unknown, where: string): Value {
    const [template, variables] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [arg, {}];
    if (typeof template !== 'string') throw new IntrinsicError(`${where}: Fn::Sub needs a string template`);
    const parts: Value = [];
    let rest = template;
    for (let m = /\$\{([^}]*)\}/.exec(rest); m; m = /\$\{([^}]*)\}/.exec(rest)) {
      parts.push(rest.slice(0, m.index));
      const name = m[1]!;
      if (name.startsWith('!'))
        parts.push(`\${${name.slice(1)}}`); // `${!Literal}` escapes
      else if (name in variables) parts.push(...this.toValue(variables[name], `${where}.${name}`));
      else if (name.startsWith('AWS::')) parts.push(...this.ref(name, where));
      else {
        const [logicalId, attribute] = name.split(/\.(.*)/s);
        parts.push(...(attribute ? this.attribute(logicalId!, attribute, where) : this.ref(logicalId!, where)));
      }
      rest = rest.slice(m.index + m[0].length);
    }
    parts.push(rest);
    return merge(parts);
  }
}

/** Joins adjacent literal parts so static values end up as one string. */
function merge(parts: Value): Value {
  const out: ValuePart[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (typeof part === 'string' && typeof last === 'string') out[out.length - 1] = last + part;
    else if (part !== '') out.push(part);
  }
  return out.length ? out : [''];
}
