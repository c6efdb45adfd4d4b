import { EntityManager } from 'typeorm';
import { RuleSetting } from '../../entities';

export interface RuleState {
  enabled: boolean;
  value: unknown;
}

/** Config gives defaults; an admin's chat change (stored in rule_setting) wins. */
export async function ruleStates(em: EntityManager, defaults: Record<string, { enabled: boolean; value?: unknown }>): Promise<Map<string, RuleState>> {
  const out = new Map<string, RuleState>();
  for (const [id, d] of Object.entries(defaults)) out.set(id, { enabled: d.enabled, value: d.value });
  for (const s of await em.find(RuleSetting)) {
    const base = out.get(s.ruleId) ?? { enabled: true, value: undefined };
    out.set(s.ruleId, { enabled: s.enabled ?? base.enabled, value: s.value ?? base.value });
  }
  return out;
}
