// The caller's own VOD settings for the local stack: a flag, else the variable in the caller's
// environment. Without this, serverless.yml's params (their defaults) would override them.
export interface CallerSettings {
  vodApi?: string;
  definitions?: number[];
}

export function callerVodEnv({ vodApi, definitions }: CallerSettings): Record<string, string> {
  const env: Record<string, string> = {};
  const api = vodApi ?? process.env.VOD_API_VERSION;
  if (api) env.VOD_API_VERSION = api;
  const defs = definitions?.join(',') ?? process.env.VOD_DEFINITIONS;
  if (defs) env.VOD_DEFINITIONS = defs;
  return env;
}
