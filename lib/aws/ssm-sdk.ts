// The two pieces of @aws-sdk/client-ssm that ./secrets uses. ./secrets imports this module
// dynamically (loaded on the first read from SSM); a dynamic import of the package itself would
// keep every SSM command in the bundle (230 KB minified instead of 172 KB, parsed at each cold
// start), where these named imports let esbuild tree-shake the rest.
export { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
