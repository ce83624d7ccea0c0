// The Lambda `context` object, as the Node.js runtime builds it for one invocation.
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../serverless/model';

export interface ContextOptions {
  region: string;
  accountId: string;
  /** Epoch ms when the invocation is cut off (start + function timeout), or a function of it (see Invoker.invoke). */
  deadline: number | (() => number);
  awsRequestId?: string;
}

export function createLambdaContext(fn: FunctionSpec, options: ContextOptions): Context {
  const today = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is the legacy callback API; return a value or a promise instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${fn.name}`,
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `${today}/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => {
      const { deadline } = options;
      return Math.max(0, (typeof deadline === 'function' ? deadline() : deadline) - Date.now());
    },
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
