// Client errors as JSON naming what was wrong: `{ error, message, fields? }`.
import { createError } from '@middy/util';
import type { MiddlewareObj } from '@middy/core';
import type { z } from 'zod';

export interface FieldIssue {
  field: string;
  message: string;
}

export function httpError(statusCode: number, error: string, message: string, fields?: FieldIssue[]): Error {
  return createError(statusCode, JSON.stringify({ error, message, ...(fields ? { fields } : {}) }));
}

/** Validates request input; a failure is a 400 naming every bad field (`body.filename`, `path.id`). */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'path' | 'query'): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => ({
    field: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  throw httpError(400, 'invalid_request', summary, fields);
}

const CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_request',
};

/**
 * Rewrites middy's plain-text 4xx errors (e.g. the body parser's 415) into the same JSON shape;
 * registered after http-error-handler so it runs first on the way out.
 */
export const jsonErrors = (): MiddlewareObj => ({
  onError: async (request) => {
    const err = request.error as (Error & { statusCode?: number; expose?: boolean }) | null;
    if (!err?.statusCode || err.statusCode >= 500) return;
    // The JSON body parser answers 415 for both; only a wrong content type is a media-type error.
    if (err.statusCode === 415 && /malformed JSON/i.test(err.message)) {
      err.statusCode = 400;
      err.message = JSON.stringify({
        error: 'invalid_request',
        message: 'body is not valid JSON',
        fields: [{ field: 'body', message: 'not valid JSON' }],
      });
      return;
    }
    if (err.statusCode === 415 && !err.message.startsWith('{')) {
      err.message = 'Unsupported Media Type: send the body as content-type application/json';
      Object.assign(err, { headers: { ...(err as { headers?: Record<string, string> }).headers, accept: 'application/json' } });
    }
    try {
      if (typeof JSON.parse(err.message) === 'object') return;
    } catch {
      // plain text: wrap below
    }
    err.message = JSON.stringify({ error: CODES[err.statusCode] ?? 'client_error', message: err.message });
  },
});
