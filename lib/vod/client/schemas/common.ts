// Building blocks for the response schemas. The v2 API is loose about types (1.0-era actions send
// numbers as strings, ids as numbers, reference §8), so each block accepts the documented variants
// and yields one normalised type. Objects are loose: fields the API adds later pass through.
import * as z from 'zod';

/** Documented range of InitUpload's `dataSize` (bytes per chunk); here, not in ./upload, which loads on first use. */
export const MIN_CHUNK_SIZE = 524_288;
export const MAX_CHUNK_SIZE = 1_048_576;

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

/** A number, or a string holding one ("7865592"). */
export const num = z.union([
  z.number(),
  z
    .string()
    .regex(NUMERIC, 'expected a number')
    .transform((s) => Number(s)),
]);

/** Like `num`, but "" (seen for unset fields) becomes undefined. */
export const optNum = z
  .union([num, z.literal(''), z.null()])
  .optional()
  .transform((v) => (v === '' || v === null ? undefined : v));

/**
 * Identifiers (fileId, classId-as-text) are decimal strings of up to 20 digits — more than a JS
 * number holds exactly — so they stay strings; a number is accepted and printed as is.
 */
export const idString = z.union([z.string(), z.number().transform((n) => String(n))]);

export const str = z
  .union([z.string(), z.number().transform(String), z.null().transform(() => '')])
  .optional()
  .transform((s) => s ?? '');

/** 0/1 flags of the request side; booleans are accepted and sent as 1/0. */
export const flag = z.union([z.boolean(), z.literal(0), z.literal(1)]);

/** The envelope every action returns (reference §1.3). */
export const envelopeFields = {
  code: num,
  message: str,
  codeDesc: z.string().optional(),
};

export const envelope = z.looseObject(envelopeFields);
export type Envelope = z.output<typeof envelope>;

/** Data-upload host: `canRetry` comes with every answer (reference §3.4). */
export const uploadEnvelopeFields = { ...envelopeFields, canRetry: optNum };

/** An array that may be absent or null in an empty answer. */
export const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

/** `version` is the string "4.0" except one doc example with the number 4 (reference §8.11). */
export const eventVersion = z.union([z.string(), z.number()]).transform((v) => {
  const s = String(v);
  return s === '4' ? '4.0' : s;
});

/** Upper-case a status and map the CN docs' FINISHED to FINISH (reference §4.6). */
export const normaliseStatus = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  const upper = v.toUpperCase();
  return upper === 'FINISHED' ? 'FINISH' : upper;
};

export const taskStatus = z.preprocess(normaliseStatus, z.enum(['WAITING', 'PROCESSING', 'FINISH']));
export type TaskStatus = z.output<typeof taskStatus>;
