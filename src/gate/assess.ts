/**
 * What /评估 and `jianfu assess` say about a notice that did not come through the bot: the gate's rules read
 * for a received notice (judgeReceived), as of the moment it was sent.
 */
import { basisRelevance, findItem, type AdmissionItem, type Relevance } from './admission';
import { extractDeadline } from './deadline';
import { findFormalism, type FormalismHit } from './formalism';
import { GateDeps, judgeReceived, type Verdict } from './gate';
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
  const r = judgeReceived({ text, deadline, postedAt: sentAt, basisItemId: item?.id ?? '', emergency: null, approved: false, weekCounts: new Map() }, deps);
  return {
    deadline,
    formalism: findFormalism(deps.formalism, text),
    basis: item ? { item, relevance: basisRelevance(deps.admission, item, text) } : null,
    findings: r.findings,
    verdict: r.verdict,
  };
}
