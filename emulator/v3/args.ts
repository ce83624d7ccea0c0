// Reading a 3.0 JSON request body: typed, bounded, and every problem a 3.0 code naming the field.
// Own-property reads only: the body is user input and must not reach Object.prototype.
import type { ActionCall } from '../actions/types';
import { V3Error } from './codes';

export type Body = Record<string, unknown>;
export type V3Call = Omit<ActionCall, 'args'> & { body3: Body; region: string | undefined };
export type V3Handler = (call: V3Call) => Body | Promise<Body>;

// ---- argument helpers: every problem is an InvalidParameter(Value) naming the field --------
export const str = (b: Body, name: string, opts: { required?: boolean; max?: number } = {}): string | undefined => {
  const v = Object.hasOwn(b, name) ? b[name] : undefined;
  if (v === undefined || v === null || v === '') {
    if (opts.required) throw new V3Error('MissingParameter', `missing parameter ${name}`);
    return undefined;
  }
  if (typeof v !== 'string') throw new V3Error('InvalidParameter', `${name} must be a string`);
  if (v.length > (opts.max ?? 4096)) throw new V3Error('InvalidParameterValue', `${name} is longer than ${opts.max ?? 4096} characters`);
  return v;
};
export const int = (b: Body, name: string): number | undefined => {
  const v = Object.hasOwn(b, name) ? b[name] : undefined;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new V3Error('InvalidParameter', `${name} must be an integer`);
  return v;
};
export const arr = (b: Body, name: string, max: number): unknown[] => {
  const v = Object.hasOwn(b, name) ? b[name] : undefined;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new V3Error('InvalidParameter', `${name} must be an array`);
  if (v.length > max) throw new V3Error('InvalidParameterValue', `${name} has more than ${max} items`);
  return v;
};
export const obj = (v: unknown, name: string): Body => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new V3Error('InvalidParameter', `${name} must be an object`);
  return v as Body;
};
