import { EntityManager, LessThan, Not } from 'typeorm';
import { InboundMessage } from '../../entities';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Empties the text of inbound messages older than the retention period. The row stays (its
 * unique key still stops a late platform redelivery from running a command twice); what was
 * said does not. Only handled rows: one still waiting for the database is kept until processed.
 */
export async function purgeInboundText(em: EntityManager, now: Date, retentionDays: number): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const rows = await em.find(InboundMessage, {
    select: { id: true },
    where: { receivedAt: LessThan(cutoff), status: Not('received'), text: Not('') },
    take: 500,
  });
  if (!rows.length) return 0;
  for (const r of rows) await em.update(InboundMessage, { id: r.id }, { text: '', payload: { purged: true } as never });
  return rows.length;
}
