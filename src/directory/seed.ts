import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { ChatGroup, Community, Department, GroupKind, Member, Role, Street } from '../../entities';
import { audit } from '../audit';
import { Db } from '../db';

const demoSchema = z.object({
  street: z.object({ name: z.string(), kind: z.string().default('街道') }),
  communities: z.array(z.object({ name: z.string(), kind: z.string().default('社区') })),
  departments: z.array(z.string()),
  groups: z.array(z.object({ chatId: z.string(), title: z.string(), kind: z.enum(['community', 'department', 'admin', 'supervision']).nullable(), unit: z.string().optional() })),
  members: z.array(z.object({ userId: z.string(), name: z.string(), role: z.enum(['admin', 'dept_staff', 'community_worker', 'guest']), unit: z.string().optional() })),
});
export type DemoData = z.infer<typeof demoSchema>;

export function readDemo(file: string): DemoData {
  return demoSchema.parse(YAML.parse(fs.readFileSync(file, 'utf8')));
}

/** Config-listed admins exist and are admins, whatever the database says. */
export async function ensureAdmins(db: Db, admins: { platform: string; userId: string; name: string }[], now: Date): Promise<void> {
  await db.work(async (em) => {
    for (const a of admins) {
      const m = await em.findOne(Member, { where: { platform: a.platform, externalId: a.userId } });
      if (m?.role === 'admin') continue;
      const before = m ? { ...m } : null;
      const saved = await em.save(m
        ? Object.assign(m, { role: 'admin' as Role })
        : em.create(Member, { platform: a.platform, externalId: a.userId, botId: a.platform === 'sandbox' ? 'sandbox' : '', name: a.name, role: 'admin' as Role, departmentId: null, communityId: null, createdAt: now }));
      await audit(em, now, { actor: null, action: 'member.admin_from_config', entity: 'member', entityId: saved.id, before, after: { ...saved } });
    }
  });
}

/** Loads demo data into an empty database (no units, no groups). Returns true if it did. */
export async function loadDemoIfEmpty(db: Db, demo: DemoData, now: Date): Promise<boolean> {
  return db.work(async (em) => {
    const used = (await em.count(Community)) + (await em.count(Department)) + (await em.count(ChatGroup));
    if (used > 0) return false;
    const street = await em.save(em.create(Street, { name: demo.street.name, kind: demo.street.kind, createdAt: now }));
    const communities = new Map<string, number>();
    for (const c of demo.communities) {
      const row = await em.save(em.create(Community, { name: c.name, kind: c.kind, streetId: street.id, createdAt: now }));
      communities.set(c.name, row.id);
    }
    const departments = new Map<string, number>();
    for (const d of demo.departments) departments.set(d, (await em.save(em.create(Department, { name: d, createdAt: now }))).id);
    for (const g of demo.groups) {
      if (!g.kind) continue;
      await em.save(em.create(ChatGroup, {
        platform: 'sandbox', botId: 'sandbox', chatId: g.chatId, title: g.title, kind: g.kind as GroupKind,
        communityId: g.kind === 'community' ? communities.get(g.unit ?? '') ?? null : null,
        departmentId: g.kind === 'department' ? departments.get(g.unit ?? '') ?? null : null, createdAt: now,
      }));
    }
    for (const m of demo.members) {
      const existing = await em.findOne(Member, { where: { platform: 'sandbox', externalId: m.userId } });
      await em.save(Object.assign(existing ?? em.create(Member, { platform: 'sandbox', externalId: m.userId, botId: 'sandbox', createdAt: now }), {
        name: m.name, role: m.role,
        departmentId: m.role === 'dept_staff' ? departments.get(m.unit ?? '') ?? null : null,
        communityId: m.role === 'community_worker' ? communities.get(m.unit ?? '') ?? null : null,
      }));
    }
    await audit(em, now, { actor: null, action: 'demo.load', entity: 'street', entityId: street.id, note: 'config/demo.yaml' });
    return true;
  });
}
