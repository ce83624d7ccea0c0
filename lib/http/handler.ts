// The one middy stack of every HTTP function: structured logs with the Lambda context, header
// normalisation, JSON bodies, API-key auth, CORS and JSON errors — so a handler file holds only
// its concern.
import middy, { type MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { config, requireSecret } from '../config';
import { logger } from '../aws/log';
import { apiKeyAuth } from './api-key';
import { jsonErrors } from './errors';

export type HttpEvent = Omit<APIGatewayProxyEventV2, 'body'> & { body?: unknown };
export type HttpResult = Exclude<APIGatewayProxyResultV2, string>;

export interface HttpOptions {
  /** Require `x-api-key` (default true; the VOD callback authenticates by its path token instead). */
  auth?: boolean;
  /** Parse a JSON body (POST endpoints); 'optional': no body at all is an empty one, not a 415. */
  jsonBody?: boolean | 'optional';
}

export function httpHandler(handler: (event: HttpEvent, context: Context) => Promise<HttpResult>, options: HttpOptions = {}) {
  const stack = middy<HttpEvent, HttpResult>(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(httpCors({ origins: config().http.corsOrigins, headers: 'content-type,x-api-key,authorization', methods: 'GET,POST,OPTIONS' }))
    // A 5xx (or any unexpected error) answers JSON too, without internals; the log has the cause.
    .use(
      httpErrorHandler({
        logger: (err: unknown) => logger.warn('request failed', { error: describe(err) }),
        fallbackMessage: INTERNAL_ERROR,
      }),
    )
    .use(jsonErrors());
  if (options.auth !== false) {
    requireSecret(config().apiKeys); // fail at start, not on the first request
    stack.use(apiKeyAuth());
  }
  if (options.jsonBody === 'optional') stack.use(optionalJsonBody());
  else if (options.jsonBody) stack.use(httpJsonBodyParser());
  return stack;
}

const INTERNAL_ERROR = JSON.stringify({ error: 'internal_error', message: 'The request failed on our side; retry later' });

/** Like the JSON body parser, but a request without a body (or with an empty one) passes as `{}`-less. */
function optionalJsonBody(): MiddlewareObj<HttpEvent, HttpResult> {
  const parser = httpJsonBodyParser();
  return {
    before: async (request) => {
      const { body } = request.event;
      if (body === undefined || body === null || body === '') {
        request.event.body = undefined;
        return;
      }
      await parser.before!(request as never);
    },
  };
}

const describe = (err: unknown) => {
  const e = err as { statusCode?: number; message?: string; name?: string };
  return { name: e?.name, statusCode: e?.statusCode, message: e?.message };
};

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
