import { In } from 'typeorm';
import { Community, LedgerGrant, LedgerRequest } from '../../entities';
import type { Port } from '../unit';
import { mask } from './crypto';
import type { StoredAnalysis } from './store';
import { LedgerStore, type LedgerRow } from './store';
import type { Pop } from './vocabulary';

export type SharingScope = 'street' | 'department';

export interface TableQuery {
  pops: Pop[];
  /** Canonical fields, in the order the table shows them. */
  fields: string[];
  communityIds?: number[];
  /** Empty columns after the data, for a pre-filled form (the fields a delta request asks for). */
  blank?: string[];
}

export interface LedgerTable {
  fields: string[];
  rows: LedgerRow[];
  /** Fields left out because the reader may not see them without an admin's approval. */
  withheld: string[];
  communityNames: Map<number, string>;
  blank: string[];
}

/**
 * Reads the ledger for a person, applying the sharing rules, and writes every read to the audit log
 * (what was asked and how many rows came back — never the values).
 * Sharing: admins see everything; community workers see their own community's rows; department staff
 * see non-sensitive fields street-wide (scope `street`) or only what their department collected
 * (scope `department`), and sensitive fields only when their department collected them or an admin
 * approved a grant.
 */
export class LedgerReader {
  constructor(readonly store: LedgerStore, readonly scope: SharingScope) {}

  async read(port: Port, q: TableQuery, action: 'ledger.read' | 'ledger.export' = 'ledger.read'): Promise<LedgerTable> {
    const actor = port.actor;
    const communityIds = actor.role === 'community_worker'
      ? (actor.communityId ? [actor.communityId] : [])
      : q.communityIds;
    const rows = await this.store.rows(port.em, { pops: q.pops, fields: q.fields, communityIds, now: port.now });
    const label = q.pops.map((p) => p.label).join('、');
    let fields = q.fields;
    let withheld: string[] = [];
    if (actor.role === 'dept_staff') {
      const sources = await port.em.find(LedgerRequest, { where: { id: In([...new Set(rows.flatMap((r) => r.requestIds))]) } });
      const grants = actor.departmentId
        ? await port.em.find(LedgerGrant, { where: { departmentId: actor.departmentId, status: 'approved' } })
        : [];
      const ownCollected = (f: string) => sources.some((s) => s.departmentId !== null && s.departmentId === actor.departmentId
        && ((s.analysis as StoredAnalysis).fields ?? []).some((x) => x.canonical === f));
      const granted = (f: string) => grants.some((g) => g.population === label && g.fields.includes(f));
      const allowed = (f: string) => ownCollected(f) || granted(f) || (this.scope === 'street' && !this.store.isSensitive(f));
      withheld = fields.filter((f) => !allowed(f));
      fields = fields.filter(allowed);
      for (const r of rows) for (const f of withheld) delete r.values[f];
    } else if (actor.role !== 'admin' && actor.role !== 'community_worker') {
      withheld = fields;
      fields = [];
      rows.length = 0;
    }
    const communities = await port.em.find(Community);
    await port.audit({
      action, entity: 'ledger', entityId: label.slice(0, 64),
      note: `字段：${fields.join('、') || '无'}；${withheld.length ? `未授权：${withheld.join('、')}；` : ''}${rows.length}行`,
    });
    return { fields, rows, withheld, communityNames: new Map(communities.map((c) => [c.id, c.name])), blank: q.blank ?? [] };
  }

  /** The first rows as chat text, sensitive values masked. */
  preview(t: LedgerTable, max = 5): string {
    const head = ['社区', ...t.fields].join(' | ');
    const lines = t.rows.slice(0, max).map((r) => [t.communityNames.get(r.communityId) ?? '', ...t.fields.map((f) => {
      const v = r.values[f] ?? '';
      return v && this.store.isSensitive(f) ? mask(v) : v;
    })].join(' | '));
    return [head, ...lines, ...(t.rows.length > max ? [`……共${t.rows.length}行`] : [])].join('\n');
  }

  /** Plain values for the xlsx (the file is for the person who was allowed to read them). */
  cells(t: LedgerTable): { headers: string[]; rows: string[][] } {
    return {
      headers: ['社区', ...t.fields, ...t.blank],
      rows: t.rows.map((r) => [t.communityNames.get(r.communityId) ?? '', ...t.fields.map((f) => r.values[f] ?? ''), ...t.blank.map(() => '')]),
    };
  }
}
