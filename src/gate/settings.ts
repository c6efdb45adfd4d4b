import { EntityManager } from 'typeorm';
import { RuleSetting } from '../../entities';
import { ConfigError } from '../config';
import { findRule, RULES } from './rules';
import type { AnyRule } from './rules/types';

export interface RuleState {
  enabled: boolean;
  value: unknown;
}

export type RuleStates = Map<string, RuleState>;

export type RuleOverrides = Record<string, { enabled?: boolean; value?: unknown }>;

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

function parse(rule: AnyRule, raw: unknown): Parsed {
  if (!rule.value) return { ok: false, message: `规则「${rule.name}」没有可设置的值，只能开启或关闭` };
  const r = rule.value.schema.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: `${r.error.issues[0].message}（${rule.value.hint}）` };
}

/** A value typed in chat, through the same schema the config file passes. */
export function parseChatValue(rule: AnyRule, raw: string): Parsed {
  return parse(rule, rule.value?.fromText ? rule.value.fromText(raw) : raw);
}

/** The rules' own defaults, then config/ overrides; a bad key or value stops start-up. */
export function ruleDefaults(overrides: RuleOverrides = {}): RuleStates {
  const out: RuleStates = new Map(RULES.map((r) => [r.id, { enabled: r.enabledByDefault, value: r.value?.default }]));
  for (const [key, o] of Object.entries(overrides)) {
    const rule = findRule(key);
    if (!rule) throw new ConfigError(`配置项 rules.${key} 无效：没有这条规则（可用：${RULES.map((r) => `${r.id}/${r.name}`).join('、')}）`);
    const base = out.get(rule.id)!;
    let value = base.value;
    if (o.value !== undefined) {
      const p = parse(rule, o.value);
      if (!p.ok) throw new ConfigError(`配置项 rules.${key}.value 无效：${p.message}`);
      value = p.value;
    }
    out.set(rule.id, { enabled: o.enabled ?? base.enabled, value });
  }
  return out;
}

/** Rule states read in a transaction, so one message judging and delivering a notice reads them once. */
const perTransaction = new WeakMap<EntityManager, { defaults: RuleStates; states: Promise<RuleStates> }>();

/**
 * Defaults, then an admin's chat changes (stored in rule_setting), which win. Read once per
 * transaction (another transaction may change them, so no longer); ruleSettingsChanged() after a write.
 */
export function ruleStates(em: EntityManager, defaults: RuleStates): Promise<RuleStates> {
  if (!em.queryRunner?.isTransactionActive) return readRuleStates(em, defaults);
  const memo = perTransaction.get(em);
  if (memo && memo.defaults === defaults) return memo.states;
  const states = readRuleStates(em, defaults);
  perTransaction.set(em, { defaults, states });
  // A failed read is not remembered.
  states.catch(() => perTransaction.delete(em));
  return states;
}

/** After writing rule_setting in this transaction: the next ruleStates() reads again. */
export function ruleSettingsChanged(em: EntityManager): void {
  perTransaction.delete(em);
}

async function readRuleStates(em: EntityManager, defaults: RuleStates): Promise<RuleStates> {
  const out: RuleStates = new Map([...defaults].map(([k, v]) => [k, { ...v }]));
  for (const s of await em.find(RuleSetting)) {
    const rule = findRule(s.ruleId);
    const base = out.get(s.ruleId);
    if (!rule || !base) continue;
    const p = s.value === null || s.value === undefined ? null : parse(rule, s.value);
    out.set(s.ruleId, { enabled: s.enabled ?? base.enabled, value: p?.ok ? p.value : base.value });
  }
  return out;
}

/** 1个工作日, 防汛、火灾, 5条/周/社区. */
export function formatRuleValue(rule: AnyRule, value: unknown): string {
  if (value === undefined || value === null) return '';
  return `${Array.isArray(value) ? value.join('、') : String(value)}${rule.value?.unit ?? ''}`;
}
