/**
 * What /评估 and `jianfu assess` say about a notice that did not come through the bot: the same rules as the
 * gate, judged as of the moment it was sent, without the bot's own delivery concerns.
 */
import { basisRelevance, findItem, type AdmissionItem, type Relevance } from './admission';
import { extractDeadline } from './deadline';
import { findFormalism, type FormalismHit } from './formalism';
import { GateDeps, judge, verdictOf, type Verdict } from './gate';
import type { Finding } from './rules/types';

export interface Assessment {
  deadline: Date | null;
  formalism: FormalismHit[];
  /** The admission item the notice cites (依据:X16), with how well it fits. */
  basis: { item: AdmissionItem; relevance: Relevance } | null;
  findings: Finding[];
  verdict: Verdict;
}

const CITED = /依据\s*[:：]\s*([^\s，。；,;]+)/;

export function assessNotice(text: string, sentAt: Date, deps: GateDeps): Assessment {
  const deadline = extractDeadline(text, sentAt, deps.cal).deadline;
  const cited = CITED.exec(text)?.[1];
  const item = cited ? findItem(deps.admission, cited) : undefined;
  const r = judge({ text, deadline, postedAt: sentAt, basisItemId: item?.id ?? '', emergency: null, approved: false, weekCounts: new Map() }, deps);
  // Quiet time is about when the bot would deliver; for a notice already sent, the time it was sent matters instead.
  const findings = r.findings.filter((f) => f.ruleId !== 'quiet_time' && f.ruleId !== 'frequency');
  if (!deps.cal.isWorkingTime(sentAt)) findings.push({ ruleId: 'quiet_time', ruleName: '非工作时间不推送', outcome: 'hold', reason: '这条通知在非工作时间发出。' });
  return {
    deadline,
    formalism: findFormalism(deps.formalism, text),
    basis: item ? { item, relevance: basisRelevance(deps.admission, item, text) } : null,
    findings,
    verdict: verdictOf(findings),
  };
}
