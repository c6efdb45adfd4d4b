import crypto from 'node:crypto';
import { z } from 'zod';
import { type AppConfig, ConfigError } from '../config';

const schema = z.object({
  /** Where people reach this server; without it, this machine on the configured port. */
  publicUrl: z.string().url().optional(),
  weeklyAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default('09:00'),
  /** Minutes a community worker spends per item the gate spared them. */
  minutesSaved: z.object({
    notice: z.number().nonnegative().default(20),
    resubmission: z.number().nonnegative().default(15),
    offHours: z.number().nonnegative().default(10),
    entry: z.number().nonnegative().default(3),
  }).strict().prefault({}),
  /** 加负榜 score = Σ weight × count. */
  scoreWeights: z.object({
    notice: z.number().nonnegative().default(1),
    urgent: z.number().nonnegative().default(2),
    field: z.number().nonnegative().default(0.2),
    offHours: z.number().nonnegative().default(2),
  }).strict().prefault({}),
  complaintsPerDay: z.number().int().positive().default(3),
}).strict();

export type MonitoringSettings = Omit<z.infer<typeof schema>, 'publicUrl'> & {
  publicUrl: string;
  /** Signs dashboard and report links; random per process when not configured. */
  linkSecret: string;
  adminToken: string;
  metricsToken: string;
};

type Env = Record<string, string | undefined>;

/** config.monitoring with defaults; secrets only from the environment, never from files in the repo. */
export function monitoringSettings(config: AppConfig, env: Env = process.env): MonitoringSettings {
  const parsed = schema.safeParse(config.monitoring);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') throw new ConfigError(`未知的配置项 ${issue.keys.map((k) => ['monitoring', ...issue.path, k].join('.')).join('、')}：请检查拼写（可用的键见 config/default.yaml）`);
    throw new ConfigError(`配置项 monitoring.${issue.path.join('.')} 无效：${issue.message}`);
  }
  return {
    ...parsed.data,
    publicUrl: (env.JIANFU_PUBLIC_URL || parsed.data.publicUrl || `http://localhost:${config.server.port}`).replace(/\/+$/, ''),
    linkSecret: env.JIANFU_LINK_SECRET || crypto.randomBytes(32).toString('hex'),
    adminToken: env.JIANFU_DASHBOARD_TOKEN ?? '',
    metricsToken: env.JIANFU_METRICS_TOKEN ?? '',
  };
}
