// The local runtime: serverless.yml run on one machine with Lambda semantics.
export { startLocalStack, type CallbackMode, type LocalStack, type LocalStackOptions, type LogLevel } from './stack';
export {
  loadServerlessConfig,
  parseServerlessConfig,
  LOCAL_ACCOUNT_ID,
  ServerlessConfigError,
  type LoadOptions,
  type LoadedConfig,
} from './serverless/config';
export type { StackModel, FunctionSpec, QueueSpec, TableSpec, BucketSpec } from './serverless/model';
export type { InvocationResult } from './runtime/invoker';
