import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';

/** Fail closed: only these spellings mean true, only these false; anything else is an error, not a guess. */
const TRUE_WORDS = /^(1|true|yes|on)$/i;
const FALSE_WORDS = /^(0|false|no|off)$/i;
export function parseFlag(v: unknown): unknown {
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : v;
  if (typeof v !== 'string') return v;
  const t = v.trim();
  return TRUE_WORDS.test(t) ? true : FALSE_WORDS.test(t) ? false : v;
}
const flag = z.preprocess(parseFlag, z.boolean({ error: '应为 true/false（或 yes/no、on/off、1/0）' }));

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '应为 HH:MM，例如 08:30');

export const configSchema = z.object({
  server: z.object({ port: z.coerce.number().int().min(0).max(65535), host: z.string().min(1).default('127.0.0.1') }).strict(),
  database: z.object({
    url: z.string().regex(/^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+)$/, '应为 sqlite:路径 或 mysql://用户:密码@主机:端口/库名'),
  }).strict(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  timezone: z.literal('Asia/Shanghai'),
  chat: z.object({ maxMessageLength: z.coerce.number().int().positive() }).strict(),
  sandbox: z.object({
    enabled: flag,
    /** Set by loadConfig: the operator (env or local.yaml) chose, not the shipped default. */
    operatorChoice: flag.optional(),
    /** Where the sandbox keeps its own demo data when a real platform is connected. */
    isolatedDatabase: z.string().default('sqlite::memory:'),
  }).strict(),
  demo: z.object({ loadOnEmpty: flag, file: z.string() }).strict(),
  admins: z.array(z.object({ platform: z.string(), userId: z.string(), name: z.string() }).strict()),
  workHours: z.object({ start: hhmm, end: hhmm }).strict(),
  // Keys and values are checked against each rule's own schema when the gate starts (src/gate/settings.ts).
  rules: z.record(z.string(), z.object({ enabled: z.boolean().optional(), value: z.unknown().optional() }).strict()).default({}),
  admissionList: z.string(),
  // The whistle desk's section, checked by its own schema when the unit starts (src/whistle/settings.ts).
  whistle: z.record(z.string(), z.unknown()).optional(),
  formalismPatterns: z.string(),
  outbox: z.object({
    pollMs: z.coerce.number().int().positive(),
    maxAttempts: z.coerce.number().int().positive(),
    backoffBaseMs: z.coerce.number().int().nonnegative(),
    backoffMaxMs: z.coerce.number().int().positive().default(300_000),
    claimMs: z.coerce.number().int().positive().default(60_000),
  }).strict(),
  cluster: z.object({
    leaseTtlMs: z.coerce.number().int().min(2000).default(10_000),
    jobsCron: z.string().default('* * * * *'),
  }).strict().default({ leaseTtlMs: 10_000, jobsCron: '* * * * *' }),
  privacy: z.object({ inboundRetentionDays: z.coerce.number().int().positive() }).strict().default({ inboundRetentionDays: 30 }),
  // Checked key by key, with defaults, by the monitoring unit (src/monitoring/settings.ts).
  monitoring: z.record(z.string(), z.unknown()).default({}),
}).strict();

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function readYaml(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) return {};
  const parsed = YAML.parse(fs.readFileSync(file, 'utf8'));
  if (parsed == null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`配置文件 ${file} 顶层应为键值对`);
  return parsed as Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function setPath(obj: Record<string, unknown>, keys: string[], value: unknown): void {
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (!isPlainObject(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

/** Environment variables win over files; only these names are read, so a typo is not silently ignored elsewhere. */
function applyEnv(raw: Record<string, unknown>, env: Env): void {
  const bool = (v: string) => parseFlag(v);
  if (env.PORT) setPath(raw, ['server', 'port'], env.PORT);
  if (env.HOST) setPath(raw, ['server', 'host'], env.HOST);
  if (env.DATABASE_URL) setPath(raw, ['database', 'url'], env.DATABASE_URL);
  if (env.LOG_LEVEL) setPath(raw, ['logLevel'], env.LOG_LEVEL);
  if (env.JIANFU_SANDBOX) setPath(raw, ['sandbox', 'enabled'], bool(env.JIANFU_SANDBOX));
  if (env.JIANFU_DEMO) setPath(raw, ['demo', 'loadOnEmpty'], bool(env.JIANFU_DEMO));
  if (env.JIANFU_ADMINS) {
    raw.admins = env.JIANFU_ADMINS.split(',').filter(Boolean).map((entry) => {
      const [platform, userId, name] = entry.split(':');
      if (!platform || !userId) throw new ConfigError('JIANFU_ADMINS 格式应为 平台:用户ID:姓名，多个用逗号分隔');
      return { platform, userId, name: name || userId };
    });
  }
}

export interface LoadOptions {
  dir?: string;
  env?: Env;
  overrides?: Record<string, unknown>;
}

export function loadConfig(opts: LoadOptions = {}): AppConfig {
  const env = opts.env ?? process.env;
  const dir = opts.dir ?? env.JIANFU_CONFIG_DIR ?? path.resolve(__dirname, '../config');
  const files = ['default.yaml', 'local.yaml'].map((f) => ({ file: path.join(dir, f), data: readYaml(path.join(dir, f)) }));
  for (const f of files) refuseSecrets(f.file, f.data);
  const local = files[1].data;
  let raw = deepMerge(files[0].data, local);
  applyEnv(raw, env);
  // Only the operator's own choice may keep the sandbox on next to a real platform.
  const chosen = env.JIANFU_SANDBOX ?? (isPlainObject(local.sandbox) ? local.sandbox.enabled : undefined);
  if (chosen !== undefined) setPath(raw, ['sandbox', 'operatorChoice'], parseFlag(chosen));
  if (opts.overrides) raw = deepMerge(raw, opts.overrides);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    // A misspelt key would otherwise be kept and silently ignored.
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => [...issue.path, k].join('.'));
      throw new ConfigError(`未知的配置项 ${keys.join('、')}：请检查拼写（可用的键见 config/default.yaml）`);
    }
    const key = issue.path.join('.') || '(根)';
    throw new ConfigError(`配置项 ${key} 无效：${issue.message}`);
  }
  return result.data;
}

/** Key names that hold credentials; their values belong in the environment only. */
const SECRET_KEY = /(secret|token|aes_?key|password|passwd|pwd|private_?key|api_?key|credential)/i;

/** Credentials in a config file end up in backups and repositories; refuse to start instead. */
function refuseSecrets(file: string, data: unknown, at: string[] = []): void {
  if (Array.isArray(data)) {
    data.forEach((v, i) => refuseSecrets(file, v, [...at, String(i)]));
    return;
  }
  if (!isPlainObject(data)) return;
  for (const [k, v] of Object.entries(data)) {
    const key = [...at, k].join('.');
    const filled = v !== null && v !== undefined && v !== '' && !isPlainObject(v) && !Array.isArray(v);
    if (SECRET_KEY.test(k) && filled) {
      throw new ConfigError(`配置文件 ${path.basename(file)} 中的 ${key} 像是密钥。密钥只能通过环境变量提供（见 README「接入企业微信和钉钉」），请从文件中删除后再启动`);
    }
    if (typeof v === 'string' && /^(mysql|mariadb):\/\/[^/@:]*:[^@]+@/.test(v)) {
      throw new ConfigError(`配置文件 ${path.basename(file)} 中的 ${key} 含数据库密码。请改用环境变量 DATABASE_URL`);
    }
    refuseSecrets(file, v, [...at, k]);
  }
}

/** Resolve a path in config relative to the project root, so `npm start` works from any cwd. */
export function projectPath(p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(__dirname, '..', p);
}
