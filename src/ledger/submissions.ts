import { LedgerRequest, LedgerSubmission } from '../../entities';
import type { Port } from '../unit';
import { resolveField } from './requests';
import type { StoredAnalysis } from './store';
import { LedgerStore } from './store';
import type { Table } from './table-file';
import { checkValue } from './validate';

const MAX_ERRORS_SHOWN = 20;

export interface SubmissionResult {
  accepted: number;
  rejected: number;
  reply: string;
}

/**
 * A community's answer to a data request: columns matched to the requested fields by the
 * vocabulary, each row checked (身份证号 check digit, phones, dates, numbers), valid rows stored
 * in place of the community's earlier answer to the same request, and a reply listing every bad row.
 */
export class SubmissionDesk {
  constructor(readonly store: LedgerStore) {}

  async submit(port: Port, p: { request: LedgerRequest; communityId: number; communityName: string; table: Table; fileName: string; label: string; pastedInboundId?: number | null }): Promise<SubmissionResult> {
    const vocab = this.store.vocab;
    const analysis = p.request.analysis as StoredAnalysis;
    const asked = analysis.fields ?? [];
    const subject = (analysis.subject ?? []).join('');
    const columns = new Map<string, number>();
    p.table.headers.forEach((h, i) => {
      if (!h) return;
      const f = resolveField(vocab, h, subject);
      if (!columns.has(f.canonical)) columns.set(f.canonical, i);
    });
    const missing = asked.filter((f) => !columns.has(f.canonical));
    if (missing.length) {
      const reply = `${p.label}未收下：表格缺少列「${missing.map((f) => f.asked).join('、')}」。需要的列：${asked.map((f) => f.asked).join('、')}。`;
      return { accepted: 0, rejected: p.table.rows.length, reply };
    }
    // The requested fields, plus identifying columns the table happens to carry (they key the rows).
    const keep = [...new Set([...asked.map((f) => f.canonical), ...[...columns.keys()].filter((c) => vocab.field(c)?.key)])];
    const kind = analysis.populations?.[0]?.base ? vocab.kindOf(analysis.populations[0]) : 'person';
    const errors: string[] = [];
    const good: { identity: string; values: Record<string, string> }[] = [];
    const seen = new Map<string, number>();
    p.table.rows.forEach((cells, i) => {
      const line = p.table.lineNumbers[i];
      const values: Record<string, string> = {};
      const problems: string[] = [];
      for (const field of keep) {
        const raw = cells[columns.get(field)!] ?? '';
        if (typeof raw === 'string' && !raw.trim()) {
          if (vocab.field(field)?.key && asked.some((f) => f.canonical === field)) problems.push(`${field}为空`);
          continue;
        }
        const r = checkValue(vocab.field(field)?.kind ?? 'text', raw);
        if (r.ok) values[field] = r.value;
        else problems.push(`${field}：${r.error}`);
      }
      const identity = problems.length ? null : this.store.identityOf(kind, values);
      if (!problems.length && !identity) problems.push('无法确定是谁（需身份证号，或姓名加住址）');
      if (identity && seen.has(identity)) problems.push(`与第${seen.get(identity)}行重复`);
      if (problems.length) {
        errors.push(`第${line}行：${problems.join('；')}`);
        return;
      }
      seen.set(identity!, line);
      good.push({ identity: identity!, values });
    });
    await this.store.replace(port.em, { request: p.request, communityId: p.communityId, memberId: port.actor.id, now: port.now, kind, rows: good });
    await port.em.save(port.em.create(LedgerSubmission, {
      requestId: p.request.id, communityId: p.communityId, memberId: port.actor.id, fileName: p.fileName.slice(0, 128),
      accepted: good.length, rejected: errors.length, at: port.now, pastedInboundId: p.pastedInboundId ?? null,
    }));
    await port.audit({ action: 'ledger.submit', entity: 'ledger_request', entityId: p.request.id, note: `${p.communityName}：有效${good.length}行，有误${errors.length}行` });
    const lines = [`已收到${p.communityName}对${p.label}的报送：有效 ${good.length} 行${errors.length ? `，有误 ${errors.length} 行` : ''}。`];
    if (errors.length) {
      lines.push(...errors.slice(0, MAX_ERRORS_SHOWN));
      if (errors.length > MAX_ERRORS_SHOWN) lines.push(`……另有 ${errors.length - MAX_ERRORS_SHOWN} 行有误`);
      lines.push('改正后请整表重新提交，新表会替换本次数据。');
    }
    return { accepted: good.length, rejected: errors.length, reply: lines.join('\n') };
  }
}
