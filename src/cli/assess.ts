/**
 * jianfu assess --jsonl FILE: one {id, ref, text} per line in; per line out what /评估 finds:
 * {id, deadline, formalism: [{category, match}], basis: {item, score} | null, verdict, findings: [rule ids]}.
 * Rule settings are the configured defaults (no database): the rules an office ships with.
 */
import { formatLocal } from '../calendar/time';
import { WorkCalendar } from '../calendar/work-calendar';
import { loadConfig, projectPath } from '../config';
import { loadAdmissionList } from '../gate/admission';
import { assessNotice } from '../gate/assess';
import { loadFormalismPatterns } from '../gate/formalism';
import type { GateDeps } from '../gate/gate';
import { ruleDefaults } from '../gate/settings';
import { eachJsonLine } from './jsonl';

const USAGE = '用法：jianfu assess --jsonl FILE（FILE 为 - 时读标准输入）\n';

export function configuredDeps(): GateDeps {
  const config = loadConfig();
  return {
    cal: new WorkCalendar({ workStart: config.workHours.start, workEnd: config.workHours.end }),
    admission: loadAdmissionList(projectPath(config.admissionList)),
    formalism: loadFormalismPatterns(projectPath(config.formalismPatterns)),
    states: ruleDefaults(config.rules),
  };
}

export async function main(args: string[]): Promise<number> {
  if (args.length !== 2 || args[0] !== '--jsonl') {
    process.stderr.write(USAGE);
    return 2;
  }
  let deps: GateDeps;
  try {
    deps = configuredDeps();
  } catch (err) {
    process.stderr.write(`配置错误：${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  return eachJsonLine(args[1], (row) => {
    const a = assessNotice(row.text, row.ref, deps);
    return {
      deadline: a.deadline ? formatLocal(a.deadline) : null,
      formalism: a.formalism.map((h) => ({ category: h.category, match: h.match })),
      basis: a.basis ? { item: a.basis.item.id, score: a.basis.relevance.score } : null,
      verdict: a.verdict,
      findings: a.findings.map((f) => f.ruleId),
    };
  }, '评估失败');
}
