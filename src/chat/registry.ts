import type { Role } from '../../entities';
import { ROLE_LABELS } from '../../entities';
import type { CommandContext } from './context';

export interface ArgSpec {
  name: string;
  /** A typed argument, resolved before the handler runs (see ArgResolver). */
  type?: string;
  /** Takes the rest of the line, spaces included. */
  rest?: boolean;
  optional?: boolean;
  choices?: string[];
}

/**
 * Turns an argument's text into the object it names, or a reply saying why it cannot (does not
 * exist, not yours, already closed). `spec` carries the declaration's options.
 */
export type ArgResolver = (ctx: CommandContext, raw: string, spec: ArgSpec) => Promise<{ value: unknown } | { error: string }>;

export interface CommandDef {
  name: string;
  aliases?: string[];
  summary: string;
  args?: ArgSpec[];
  examples?: string[];
  /** Who may run it; 'any' includes unregistered people. */
  roles: Role[] | 'any';
  where?: 'group' | 'direct' | 'any';
  /** An anonymous report: once handled, the stored message keeps neither its text nor who sent it. */
  anonymous?: boolean;
  /**
   * Writes no member, community or chat group, so what its batch read of them stays true after it:
   * the later messages of the batch reuse the senders and groups read at its start, and what it read
   * of communities (src/db-lookups.ts). For the hot commands; after any other, they are read afresh.
   */
  keepsDirectory?: boolean;
  /** `vals` holds typed arguments, resolved. */
  handler: (ctx: CommandContext, args: Record<string, string>, vals: Record<string, any>) => Promise<void>;
}

/** Where a unit's register functions put their commands. */
export interface CommandSink {
  register(def: CommandDef): void;
}

/** Runs register functions and returns what they declared, for a unit's `commands`. */
export function collectCommands(...fns: ((r: CommandSink) => void)[]): CommandDef[] {
  const defs: CommandDef[] = [];
  for (const fn of fns) fn({ register: (d) => defs.push(d) });
  return defs;
}

export type ParseResult =
  | { kind: 'command'; def: CommandDef; args: Record<string, string>; invokedAs: string }
  | { kind: 'unknown'; word: string }
  | { kind: 'bad-args'; def: CommandDef; message: string }
  | { kind: 'none' };

/** Full-width forms people type on Chinese keyboards. */
export function normaliseText(text: string): string {
  return text.replace(/\u3000/g, ' ').replace(/^[\s]*[／]/, '/').trim();
}

const SEPARATOR = /^[\s:：,，?？!！]/;

export class CommandRegistry implements CommandSink {
  private readonly defs: CommandDef[] = [];
  private names: { word: string; def: CommandDef }[] = [];
  private readonly types = new Map<string, ArgResolver>();

  addArgType(name: string, resolver: ArgResolver): void {
    if (this.types.has(name)) throw new Error(`argument type declared twice: ${name}`);
    this.types.set(name, resolver);
  }

  /** Resolves a command's typed arguments; the first failure is the reply. */
  async resolve(ctx: CommandContext, def: CommandDef, args: Record<string, string>): Promise<{ vals: Record<string, unknown> } | { error: string }> {
    const vals: Record<string, unknown> = {};
    for (const spec of def.args ?? []) {
      if (!spec.type || args[spec.name] === undefined) continue;
      const resolver = this.types.get(spec.type);
      if (!resolver) throw new Error(`no resolver for argument type ${spec.type}`);
      const r = await resolver(ctx, args[spec.name], spec);
      if ('error' in r) return r;
      vals[spec.name] = r.value;
    }
    return { vals };
  }

  register(def: CommandDef): void {
    for (const word of [def.name, ...(def.aliases ?? [])]) {
      if (this.names.some((n) => n.word === word)) throw new Error(`duplicate command word: ${word}`);
      this.names.push({ word, def });
    }
    this.defs.push(def);
    // Longest first so that 设置角色 wins over 设置.
    this.names.sort((a, b) => b.word.length - a.word.length);
  }

  all(): readonly CommandDef[] {
    return this.defs;
  }

  find(word: string): CommandDef | undefined {
    const w = word.replace(/^\//, '');
    return this.names.find((n) => n.word === w)?.def;
  }

  parse(input: string): ParseResult {
    const text = normaliseText(input);
    const slashed = text.startsWith('/');
    const body = slashed ? text.slice(1) : text;
    for (const { word, def } of this.names) {
      if (!body.startsWith(word)) continue;
      const after = body.slice(word.length);
      if (after !== '' && !SEPARATOR.test(after)) continue;
      const rest = after.replace(/^[\s:：,，?？!！]+/, '').trim();
      const parsed = parseArgs(def, rest);
      if (typeof parsed === 'string') return { kind: 'bad-args', def, message: parsed };
      return { kind: 'command', def, args: parsed, invokedAs: word };
    }
    if (slashed) return { kind: 'unknown', word: body.split(/[\s:：]/)[0] };
    return { kind: 'none' };
  }
}

function parseArgs(def: CommandDef, rest: string): Record<string, string> | string {
  const specs = def.args ?? [];
  const out: Record<string, string> = {};
  let remaining = rest;
  for (const spec of specs) {
    remaining = remaining.trim();
    let value: string;
    if (spec.rest) {
      value = remaining;
      remaining = '';
    } else {
      const m = /^(\S+)\s*([\s\S]*)$/.exec(remaining);
      value = m ? m[1] : '';
      remaining = m ? m[2] : '';
    }
    if (!value) {
      if (spec.optional) continue;
      return `缺少参数「${spec.name}」。用法：${usage(def)}`;
    }
    if (spec.choices && !spec.choices.includes(value)) {
      return `「${spec.name}」应为：${spec.choices.join('、')}。用法：${usage(def)}`;
    }
    out[spec.name] = value;
  }
  if (remaining.trim() && specs.length > 0 && !specs[specs.length - 1].rest) {
    return `参数过多：「${remaining.trim()}」。用法：${usage(def)}`;
  }
  return out;
}

export function usage(def: CommandDef): string {
  const args = (def.args ?? []).map((a) => {
    // Short choice lists read better inline; long ones are listed by /帮助 命令名.
    const label = a.choices && a.choices.length <= 3 ? a.choices.join('|') : a.name;
    return a.optional ? `[${label}]` : `<${label}>`;
  });
  return ['/' + def.name, ...args].join(' ');
}

export function whoMay(def: CommandDef): string {
  return def.roles === 'any' ? '所有人' : def.roles.map((r) => ROLE_LABELS[r]).join('、');
}

export function allowed(def: CommandDef, role: Role): boolean {
  return def.roles === 'any' || def.roles.includes(role);
}

/** /帮助 text, generated from the declarations so it cannot drift from the commands. */
export function helpText(registry: CommandRegistry, role: Role, topic?: string): string {
  if (topic) {
    const def = registry.find(topic);
    if (!def) return `没有命令「${topic}」。发送 /帮助 查看全部命令。`;
    const lines = [`/${def.name}：${def.summary}`, `用法：${usage(def)}`];
    for (const a of def.args ?? []) if (a.choices && a.choices.length > 3) lines.push(`${a.name}：${a.choices.join('、')}`);
    if (def.aliases?.length) lines.push(`别名：${def.aliases.join('、')}`);
    lines.push(`也可写作：${def.name}：…`);
    if (def.examples?.length) lines.push(`示例：\n${def.examples.map((e) => '  ' + e).join('\n')}`);
    lines.push(`可用者：${whoMay(def)}`);
    if (def.where && def.where !== 'any') lines.push(`使用场景：${def.where === 'group' ? '群聊' : '单聊'}`);
    return lines.join('\n');
  }
  const mine = registry.all().filter((d) => allowed(d, role));
  const lines = mine.map((d) => `${usage(d)} — ${d.summary}`);
  return `可用命令（${ROLE_LABELS[role]}）：\n${lines.join('\n')}\n发送 /帮助 命令名 查看详细用法。`;
}
