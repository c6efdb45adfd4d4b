import { z } from 'zod';
import { ConfigError } from '../src/config';
import { isValidAesKey } from './wecom/callback-crypto';

type Env = Record<string, string | undefined>;

/** A message starting with this word reads「环境变量 X 未设置…」; any other reads「环境变量 X 无效：…」. */
const UNSET = '未设置';

// An empty variable (`export X=`) means "not set", as it does for the shell user who wrote it.
const blankIsUnset = (v: unknown) => (v === '' || v === null ? undefined : v);

const text = z.preprocess(blankIsUnset, z.string({ error: '应为字符串' }).trim().optional());
const requiredText = z.preprocess(
  blankIsUnset,
  z.string({ error: (iss) => (iss.input === undefined ? UNSET : '应为字符串') }).trim(),
);

const positiveMs = z.preprocess(
  blankIsUnset,
  z.string()
    .refine((v) => Number.isInteger(Number(v)) && Number(v) > 0, { error: (iss) => `应为正整数（毫秒），现为「${String(iss.input)}」` })
    .transform(Number)
    .optional(),
);

const baseUrl = z.preprocess(
  blankIsUnset,
  z.string()
    .regex(/^(https?|wss?):\/\/[^\s]+$/, '应为网址，例如 https://api.dingtalk.com')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
);

/** A JSON text in a variable; `form` says what it should hold. */
const json = (form: string) =>
  z.string().transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: `不是有效的 JSON，${form}` });
      return z.NEVER;
    }
  });

const WEBHOOKS_FORM = '{"群chatid":"webhook地址或key"}';
const webhookMap = z.record(z.string(), z.string(), { error: `应为 ${WEBHOOKS_FORM}` });
// The shorthand variable holds JSON text; inside WECOM_BOTS it is already an object.
const webhooks = z.preprocess(blankIsUnset, z.union([json(`应为 ${WEBHOOKS_FORM}`).pipe(webhookMap), webhookMap], { error: `应为 ${WEBHOOKS_FORM}` }).optional());

const wecomMode = z.preprocess(blankIsUnset, z.enum(['long', 'http'], { error: '应为 long（长连接）或 http（回调）' }).optional());
const dingtalkMode = z.preprocess(blankIsUnset, z.enum(['stream', 'http'], { error: '应为 stream 或 http' }).optional());

const wecomBot = z.strictObject({
  id: text,
  botId: requiredText,
  secret: text,
  token: text,
  aesKey: text,
  mode: wecomMode,
  webhooks,
}, { error: '应为 JSON 对象' }).transform((b, ctx) => {
  // Callback credentials without a secret can only mean callback mode.
  const mode = b.mode ?? (b.secret || !(b.token || b.aesKey) ? 'long' : 'http');
  const issue = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
  if (mode === 'long' && !b.secret) issue('secret', `${UNSET}（长连接模式需要 Bot ID 和 Secret）`);
  if (mode === 'http' && !b.token) issue('token', `${UNSET}（回调模式需要 Token）`);
  if (mode === 'http' && !b.aesKey) issue('aesKey', `${UNSET}（回调模式需要 EncodingAESKey）`);
  else if (mode === 'http' && !isValidAesKey(b.aesKey!)) issue('aesKey', '应为 43 位 EncodingAESKey');
  return { ...b, id: b.id ?? b.botId, mode };
});

const dingtalkBot = z.strictObject({
  id: text,
  clientId: requiredText,
  clientSecret: requiredText,
  robotCode: text,
  mode: dingtalkMode,
  name: text,
  cardTemplateId: text,
}, { error: '应为 JSON 对象' }).transform(({ name, ...b }) => ({ ...b, id: b.id ?? b.clientId, robotCode: b.robotCode ?? b.clientId, mode: b.mode ?? 'stream', botName: name }));

/** Several bots of one platform, as a JSON array; ids name bindings in the database, so they must differ. */
const botList = <T extends { id: string }>(bot: z.ZodType<T>, form: string) =>
  z.preprocess(
    blankIsUnset,
    json(form)
      .pipe(z.array(bot, { error: '应为非空的 JSON 对象数组' }).min(1, '应为非空的 JSON 对象数组'))
      .superRefine((bots, ctx) => {
        const ids = bots.map((b) => b.id);
        const twice = ids.find((id, i) => ids.indexOf(id) !== i);
        if (twice !== undefined) ctx.addIssue({ code: 'custom', message: `机器人 id「${twice}」重复` });
      })
      .optional(),
  );

/** Each single-bot variable and the bot field it stands for. */
const WECOM_SHORTHAND = {
  WECOM_BOT_ID: 'botId',
  WECOM_BOT_SECRET: 'secret',
  WECOM_CALLBACK_TOKEN: 'token',
  WECOM_CALLBACK_AES_KEY: 'aesKey',
  WECOM_MODE: 'mode',
  WECOM_WEBHOOKS: 'webhooks',
} as const;
const DINGTALK_SHORTHAND = {
  DINGTALK_CLIENT_ID: 'clientId',
  DINGTALK_CLIENT_SECRET: 'clientSecret',
  DINGTALK_ROBOT_CODE: 'robotCode',
  DINGTALK_MODE: 'mode',
  DINGTALK_BOT_NAME: 'name',
  DINGTALK_CARD_TEMPLATE_ID: 'cardTemplateId',
} as const;

// Kept as given here; checked as a bot (below) under the variable's own name.
const raw = <K extends string>(names: Record<K, string>) =>
  Object.fromEntries(Object.keys(names).map((k) => [k, z.string().optional()])) as Record<K, z.ZodOptional<z.ZodString>>;

/**
 * One bot from the single-bot variables, or none when its id variable is unset. Issues are
 * reported under the variable's own name, not the bot field's, so the operator knows what to fix.
 */
function shorthandBot<K extends string, T>(env: NoInfer<Partial<Record<K, string>>>, names: Record<K, string>, bot: z.ZodType<T>, ctx: z.RefinementCtx): T[] {
  const variables = Object.keys(names) as K[];
  const [idVar] = variables;
  const given = variables.filter((k) => env[k]);
  if (!env[idVar]) {
    if (given.length) ctx.addIssue({ code: 'custom', path: [idVar], message: `${UNSET}（已设置 ${given.join('、')}）` });
    return [];
  }
  const parsed = bot.safeParse(Object.fromEntries(variables.map((variable) => [names[variable], env[variable]])));
  if (parsed.success) return [parsed.data];
  const variableOf = Object.fromEntries(Object.entries(names).map(([variable, field]) => [field, variable]));
  for (const i of parsed.error.issues) ctx.addIssue({ code: 'custom', path: [variableOf[String(i.path[0])] ?? idVar], message: i.message });
  return [];
}

/** Every platform variable the service reads, and what each must look like. */
export const platformEnvSchema = z.object({
  ...raw(WECOM_SHORTHAND),
  WECOM_BOTS: botList(wecomBot, '应为数组，例如 [{"id":"street1","botId":"…","secret":"…"}]'),
  WECOM_WS_URL: baseUrl,
  WECOM_HEARTBEAT_MS: positiveMs,
  WECOM_API_BASE: baseUrl,
  ...raw(DINGTALK_SHORTHAND),
  DINGTALK_BOTS: botList(dingtalkBot, '应为数组，例如 [{"id":"d1","clientId":"…","clientSecret":"…"}]'),
  DINGTALK_API_BASE: baseUrl,
  DINGTALK_OAPI_BASE: baseUrl,
  DINGTALK_SILENCE_MS: positiveMs,
}).transform((v, ctx) => {
  const oneForm = (list: string, single: string) => ctx.addIssue({ code: 'custom', path: [single], message: `与 ${list} 只能设置其一` });
  if (v.WECOM_BOTS && v.WECOM_BOT_ID) oneForm('WECOM_BOTS', 'WECOM_BOT_ID');
  if (v.DINGTALK_BOTS && v.DINGTALK_CLIENT_ID) oneForm('DINGTALK_BOTS', 'DINGTALK_CLIENT_ID');
  return {
    wecom: {
      bots: v.WECOM_BOTS ?? shorthandBot(v, WECOM_SHORTHAND, wecomBot, ctx),
      wsUrl: v.WECOM_WS_URL,
      heartbeatInterval: v.WECOM_HEARTBEAT_MS,
      webhookBase: v.WECOM_API_BASE,
    },
    dingtalk: {
      bots: v.DINGTALK_BOTS ?? shorthandBot(v, DINGTALK_SHORTHAND, dingtalkBot, ctx),
      endpoints: { ...(v.DINGTALK_API_BASE && { apiBase: v.DINGTALK_API_BASE }), ...(v.DINGTALK_OAPI_BASE && { oapiBase: v.DINGTALK_OAPI_BASE }) },
      silenceMs: v.DINGTALK_SILENCE_MS,
    },
  };
});

export type PlatformEnv = z.output<typeof platformEnvSchema>;

/** `WECOM_BOTS[0].secret` for an issue inside a list entry; the variable itself otherwise. */
function variableName(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p))).join('');
}

/** Reads the platform variables, or throws a ConfigError naming the variable and the expected form. */
export function parsePlatformEnv(env: Env): PlatformEnv {
  const result = platformEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw new ConfigError(`环境变量 ${variableName(issue.path)} 无效：未知的键 ${issue.keys.join('、')}`);
  }
  const name = variableName(issue.path);
  throw new ConfigError(issue.message.startsWith(UNSET) ? `环境变量 ${name} ${issue.message}` : `环境变量 ${name} 无效：${issue.message}`);
}
