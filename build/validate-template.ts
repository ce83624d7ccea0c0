// Packages the stack offline and validates the CloudFormation template with AWS's own validator
// (@aws/cloudformation-validate: schema, cfn-lint, security and best-practice rules) and vodflow's
// rule pack (build/template-rules.ts, ported from cdk-nag). Any finding not suppressed in build/template-findings.ts fails,
// as does a suppression that matches nothing (it would hide the next real finding).
//   npx tsx build/validate-template.ts            # package (--stage prod) then validate
//   npx tsx build/validate-template.ts FILE.json  # validate an existing template
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RegoEngine, TemplateFile, type StandardDiagnostic } from '@aws/cloudformation-validate';
import { checkTemplate, type Template } from './template-rules';
import { SUPPRESSIONS, type Suppression } from './template-findings';

const root = fileURLToPath(new URL('../', import.meta.url));

export interface TemplateReport {
  findings: StandardDiagnostic[];
  suppressed: number;
  unusedSuppressions: Suppression[];
}

/** `serverless package` into `dir` (offline, no credentials); returns the update-stack template path. */
export function packageStack(dir = '.serverless', stage = 'prod', env: NodeJS.ProcessEnv = process.env): string {
  execFileSync(process.execPath, [`${root}node_modules/serverless/bin/serverless.js`, 'package', '--stage', stage, '--package', dir], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return `${dir.startsWith('/') ? '' : root}${dir}/cloudformation-template-update-stack.json`;
}

export function validateTemplate(file: string): TemplateReport {
  const engine = new RegoEngine();
  let diagnostics: StandardDiagnostic[];
  try {
    diagnostics = engine.validateStandard(new TemplateFile(file), { severityLevel: 'INFO' }).diagnostics;
  } finally {
    engine.free();
  }
  diagnostics.push(...checkTemplate(JSON.parse(readFileSync(file, 'utf8')) as Template));
  const used = new Set<Suppression>();
  const findings = diagnostics.filter((d) => {
    const match = SUPPRESSIONS.find((s) => s.ruleId === d.ruleId && (!s.logicalId || s.logicalId.test(d.entity?.logicalId ?? '')));
    if (match) used.add(match);
    return !match;
  });
  return { findings, suppressed: diagnostics.length - findings.length, unusedSuppressions: SUPPRESSIONS.filter((s) => !used.has(s)) };
}

export function formatFinding(d: StandardDiagnostic): string {
  const where = [d.entity?.logicalId, d.propertyPath].filter(Boolean).join(' ');
  return `[${d.severity}] ${d.ruleId} ${where}: ${d.message}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? packageStack();
  const report = validateTemplate(file);
  for (const d of report.findings) console.error(formatFinding(d));
  for (const s of report.unusedSuppressions)
    console.error(`unused suppression in build/template-findings.ts: ${s.ruleId} ${s.logicalId ?? ''} (${s.reason})`);
  const failed = report.findings.length > 0 || report.unusedSuppressions.length > 0;
  console.log(
    `${file}: ${report.findings.length} finding(s), ${report.suppressed} suppressed with a reason${failed ? '' : ' — template accepted'}`,
  );
  process.exit(failed ? 1 : 0);
}
