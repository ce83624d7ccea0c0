#!/usr/bin/env node
// The `vodflow` command: registers tsx so the TypeScript CLI runs without a build step.
import { register } from 'tsx/esm/api';

// The SDK's notice about Node 22 is for library maintainers, not for someone running a CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('./main.ts');
