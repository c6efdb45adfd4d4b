import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { GateDecision, InboundMessage, OutboxMessage } from '../../entities';
import { Complaint } from '../../entities/complaint';
import type { Db } from '../db';
import type { Services } from '../unit';
import { whistleRows } from './figures';

interface Count {
  key: string;
  n: string | number;
}

/**
 * Prometheus metrics read from the database at scrape time, so they are right after a restart
 * and across several processes; event-loop lag and process figures come from prom-client.
 */
export function createMetrics(db: Db, services: Services): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'jianfu_' });
  const grouped = async (table: string, column: string): Promise<Count[]> =>
    db.manager.query(`SELECT ${column} AS \`key\`, COUNT(*) AS n FROM ${table} GROUP BY ${column}`);

  new Gauge({
    name: 'jianfu_messages_in', help: 'Inbound chat messages stored, by processing status', labelNames: ['status'], registers: [register],
    async collect() {
      this.reset();
      for (const r of await grouped(db.manager.getRepository(InboundMessage).metadata.tableName, 'status')) this.set({ status: r.key }, Number(r.n));
    },
  });
  new Gauge({
    name: 'jianfu_gate_verdicts', help: 'Gate decisions stored, by verdict', labelNames: ['verdict'], registers: [register],
    async collect() {
      this.reset();
      for (const r of await grouped('gate_decision', 'verdict')) this.set({ verdict: r.key }, Number(r.n));
    },
  });
  new Gauge({
    name: 'jianfu_gate_rule_findings', help: 'Rule findings in stored gate decisions, by rule and outcome', labelNames: ['rule', 'outcome'], registers: [register],
    async collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const d of await db.manager.find(GateDecision, { select: { id: true, findings: true } })) {
        for (const f of d.findings) counts.set(`${f.ruleId}\n${f.outcome}`, (counts.get(`${f.ruleId}\n${f.outcome}`) ?? 0) + 1);
      }
      for (const [k, n] of counts) {
        const [rule, outcome] = k.split('\n');
        this.set({ rule, outcome }, n);
      }
    },
  });
  new Gauge({
    name: 'jianfu_outbox_depth', help: 'Outgoing messages not yet delivered (pending) or given up (parked)', labelNames: ['status'], registers: [register],
    async collect() {
      this.reset();
      this.set({ status: 'pending' }, await db.manager.count(OutboxMessage, { where: { status: 'pending' } }));
      this.set({ status: 'parked' }, await db.manager.count(OutboxMessage, { where: { status: 'parked' } }));
    },
  });
  new Gauge({
    name: 'jianfu_send_failures', help: 'Outgoing messages whose last send attempt failed (still retrying or parked)', registers: [register],
    async collect() {
      const rows: Count[] = await db.manager.query("SELECT 'x' AS `key`, COUNT(*) AS n FROM outbox_message WHERE status <> 'sent' AND lastError <> ''");
      this.set(Number(rows[0]?.n ?? 0));
    },
  });
  new Gauge({
    name: 'jianfu_complaints', help: 'Anonymous complaints, by status', labelNames: ['status'], registers: [register],
    async collect() {
      this.reset();
      for (const r of await grouped(db.manager.getRepository(Complaint).metadata.tableName, 'status')) this.set({ status: r.key }, Number(r.n));
    },
  });
  if (services.has('whistle.figures')) {
    new Gauge({
      name: 'jianfu_sla_breaches', help: 'Whistle tickets reported or finished late, from the whistle desk', labelNames: ['stage'], registers: [register],
      async collect() {
        this.reset();
        const svc = services.get<{ byDepartment?: (em: unknown) => Promise<unknown> }>('whistle.figures');
        const rows = whistleRows(typeof svc.byDepartment === 'function' ? await svc.byDepartment(db.manager) : null) ?? [];
        this.set({ stage: 'report' }, rows.reduce((s, r) => s + r.reported - r.reportedOnTime, 0));
        this.set({ stage: 'done' }, rows.reduce((s, r) => s + r.done - r.doneOnTime, 0));
      },
    });
  }
  return register;
}
