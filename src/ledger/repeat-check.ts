import { In } from 'typeorm';
import { Community, LedgerRecord, LedgerRequest, Notice } from '../../entities';
import { localDate, localTime } from '../calendar/time';
import type { NoticeCheck } from '../gate/checks';
import type { Verdict } from '../gate/gate';
import type { NoticeDesk } from '../gate/notice-desk';
import type { Finding } from '../gate/rules/types';
import type { Port } from '../unit';
import { COLLECTING, type RequestBook } from './request-book';
import type { RequestAnalysis } from './requests';
import { identityFields } from './store';

const RULE = { ruleId: 'ledger', ruleName: '重复索取' };

/** 第7号（民政科，11月20日）: how people name an earlier request. */
export function describe(r: LedgerRequest): string {
  const [, m, d] = localDate(r.createdAt).split('-').map(Number);
  return `${r.noticeId ? `第${r.noticeId}号` : '此前的数据需求'}（${r.departmentName || '街道'}，${m}月${d}日）`;
}

/**
 * The gate's repeated-request check (只录一次、多次使用): a data request whose data an earlier one
 * already collected is held and the sender offered the data from the ledger; one that repeats part
 * of it is held with a one-click delta that asks communities only for the missing fields. Requests
 * that go out are remembered for the next comparison.
 */
export class RepeatCheck implements NoticeCheck {
  readonly id = 'ledger';
  /** Requests the ledger itself is sending as a delta, by the Port that sends them. */
  private readonly deltas = new WeakMap<Port, { baseRequestId: number; entriesAvoided: number }>();
  /** The notice's own collecting requests as check() found them, so decided() need not read them again. */
  private readonly own = new WeakMap<Port, Map<Notice, number[]>>();
  /** Notices this Port's evaluation found answered by the ledger, for decided() to remember. */
  private readonly answered = new WeakMap<Port, Map<Notice, { sourceId: number; entriesAvoided: number; unstored: boolean }>>();

  constructor(private readonly book: RequestBook, private readonly prepare: (em: Port['em']) => Promise<void>) {}

  private async ownIds(port: Port, n: Notice): Promise<number[]> {
    // A notice not stored yet has no requests (and an undefined id would match every row).
    if (n.id === undefined) return [];
    return (await port.em.find(LedgerRequest, { select: { id: true }, where: { noticeId: n.id, kind: In(COLLECTING) } })).map((r) => r.id);
  }

  /** Rows the ledger holds for a request: what a repeat of it spares the communities. */
  private async knownRows(port: Port, ids: number[]): Promise<number> {
    return port.em.count(LedgerRecord, { where: { requestId: In(ids) } });
  }

  async match(port: Port, n: Notice): Promise<{ analysis: RequestAnalysis; hit: NonNullable<Awaited<ReturnType<RequestBook['prior']>>> } | null> {
    await this.prepare(port.em);
    const analysis = this.book.analyze(n.text, n.createdAt);
    if (!this.book.isDataRequest(analysis, n.text)) return null;
    const own = await this.ownIds(port, n);
    // Between check() and decided() of one evaluation only decided() writes the notice's requests.
    this.own.set(port, new Map([[n, own]]));
    const hit = await this.book.prior(port.em, analysis, port.now, own);
    return hit ? { analysis, hit } : null;
  }

  async check(port: Port, n: Notice): Promise<Finding | null> {
    // An admin's approval, an emergency, or the ledger's own delta goes out as written.
    if (n.approved || n.emergencyCategory || this.deltas.has(port)) return null;
    const m = await this.match(port, n);
    if (!m) return null;
    const { comparison: c, request, base } = m.hit;
    const source = describe(base ?? request);
    if (c.label === 'same') {
      // Say only what is true: the data may still be on its way from the communities.
      const rows = await this.knownRows(port, [request.id, ...(base ? [base.id] : [])]);
      const seen = this.answered.get(port) ?? new Map();
      seen.set(n, { sourceId: (base ?? request).id, entriesAvoided: rows * Math.max(1, m.analysis.fields.length), unstored: n.id === undefined });
      this.answered.set(port, seen);
      return {
        ...RULE, outcome: 'hold',
        reason: rows
          ? `${source}已采集同样的数据，台账中已有，无需再问社区。`
          : `${source}正在向社区采集同样的数据，社区报送后即可从台账取数，无需再问社区。`,
        fixes: [{ label: '从台账取数', command: '/台账 取 {id}' }, { label: '申请审批', command: '/申请审批 {id}' }],
      };
    }
    // A wider population with no new fields is new rows, which only the communities have.
    if (!c.missing.length) return null;
    const known = m.analysis.fields.filter((f) => !c.missing.includes(f.asked)).map((f) => f.asked);
    return {
      ...RULE, outcome: 'hold',
      reason: `${source}已采集${known.join('、')}；只需向社区补充：${c.missing.join('、')}。`,
      fixes: [{ label: '只问缺少的字段', command: '/补采 {id}' }, { label: '申请审批', command: '/申请审批 {id}' }],
    };
  }

  async decided(port: Port, n: Notice, verdict: Verdict): Promise<void> {
    const answered = this.answered.get(port)?.get(n);
    // A notice judged before it was stored has no ledger rows to look for.
    if (verdict === 'held' && answered && (answered.unstored || !(await port.em.count(LedgerRequest, { where: { noticeId: n.id, kind: 'answered' } })))) {
      await this.book.record(port.em, {
        noticeId: n.id, departmentId: n.departmentId, senderId: n.senderId, text: n.text, kind: 'answered', baseRequestId: answered.sourceId,
        communityIds: n.targets.all ? [] : n.targets.communityIds, entriesAvoided: answered.entriesAvoided, now: port.now,
      });
    }
    const seen = this.own.get(port)?.get(n);
    this.own.delete(port);
    if (verdict !== 'sent' && verdict !== 'scheduled') return;
    if ((seen ?? (await this.ownIds(port, n))).length) return;
    const analysis = this.book.analyze(n.text, n.createdAt);
    if (!this.book.isDataRequest(analysis, n.text)) return;
    const delta = this.deltas.get(port);
    await this.book.record(port.em, {
      noticeId: n.id, departmentId: n.departmentId, senderId: n.senderId, text: n.text, kind: delta ? 'delta' : 'request',
      baseRequestId: delta?.baseRequestId ?? null, communityIds: n.targets.all ? [] : n.targets.communityIds,
      entriesAvoided: delta?.entriesAvoided ?? 0, now: port.now,
    });
  }

  /**
   * Turns held notice `n` into a delta request: a new notice asking only for the missing fields
   * (with the identifying ones, to match rows), through the gate like any other; `n` is withdrawn.
   */
  async sendDelta(port: Port, desk: NoticeDesk, n: Notice): Promise<string | null> {
    const m = await this.match(port, n);
    if (!m || m.hit.comparison.label !== 'overlap' || !m.hit.comparison.missing.length) return `第${n.id}号通知不需要补充采集。`;
    const { comparison: c, request, base } = m.hit;
    const source = base ?? request;
    const vocab = this.book.vocab;
    const known = m.analysis.fields.filter((f) => !c.missing.includes(f.asked));
    const kind = m.analysis.populations[0] ? vocab.kindOf(m.analysis.populations[0]) : 'person';
    const ids = identityFields(kind, known.map((f) => f.canonical));
    const keys = known.filter((f) => ids.includes(f.canonical)).map((f) => f.asked);
    const who = m.analysis.populations.map((p) => p.label).join('、') || '相关对象';
    // No dates in the text: the gate would read them as deadlines.
    const text = `请补充${who}的${c.missing.join('、')}：${[...keys, ...c.missing].join('、')}。其余信息已由${source.departmentName || '街道'}通过第${source.noticeId}号采集，无需重复填写；发送「/预填表 通知编号」可取已填好的名单。`;
    const targets = n.targets.all ? [] : (await port.em.find(Community, { where: { id: In(n.targets.communityIds) } })).map((x) => x.name);
    const deadline = n.deadline && n.deadline > port.now ? `${localDate(n.deadline).slice(5).replace('-', '月').replace(/^0/, '')}日${localTime(n.deadline)}` : undefined;
    this.deltas.set(port, { baseRequestId: source.id, entriesAvoided: (await this.knownRows(port, [source.id])) * known.length });
    try {
      const sent = await desk.submit(port, { targets, all: n.targets.all, text, ...(deadline ? { deadline } : {}), ...(n.basisItemId ? { basis: n.basisItemId } : {}) });
      if (sent) await desk.withdraw(port, n);
    } finally {
      this.deltas.delete(port);
    }
    return null;
  }
}
