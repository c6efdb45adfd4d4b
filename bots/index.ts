import type { Logger } from 'pino';
import type { Clock } from '../src/clock';
import type { RouteModule } from '../src/server/http';
import type { BotAdapter } from './types';
import { DingTalkHttpAdapter } from './dingtalk/http-callback';
import { DingTalkStreamAdapter } from './dingtalk/stream';
import { isValidAesKey } from './wecom/callback-crypto';
import { WeComHttpCallbackAdapter } from './wecom/http-callback';
import { WeComLongConnectionAdapter } from './wecom/long-connection';

type Env = Record<string, string | undefined>;

export interface PlatformDeps {
  clock: Clock;
  log: Logger;
}

export interface PlatformSetup {
  adapters: BotAdapter[];
  routes: RouteModule[];
  /** One Chinese line per bot, for the startup log. */
  summary: string[];
}

class EnvError extends Error {}

const fail = (message: string): never => {
  throw new EnvError(message);
};

function str(v: unknown, name: string, required: boolean): string | undefined {
  if (v === undefined || v === null || v === '') return required ? fail(`环境变量 ${name} 未设置`) : undefined;
  if (typeof v !== 'string') return fail(`环境变量 ${name} 应为字符串`);
  return v.trim();
}

function posInt(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fail(`环境变量 ${name} 应为正整数（毫秒），现为「${v}」`);
}

function url(env: Env, name: string): string | undefined {
  const v = env[name];
  if (!v) return undefined;
  return /^(https?|wss?):\/\/[^\s]+$/.test(v) ? v.replace(/\/+$/, '') : fail(`环境变量 ${name} 应为网址，例如 https://api.dingtalk.com`);
}

function jsonArray(env: Env, name: string): Record<string, unknown>[] | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail(`环境变量 ${name} 不是有效的 JSON，应为数组，例如 [{"id":"street1",…}]`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) {
    return fail(`环境变量 ${name} 应为非空的 JSON 对象数组`);
  }
  return parsed as Record<string, unknown>[];
}

function stringMap(v: unknown, name: string): Record<string, string> | undefined {
  if (v === undefined || v === '') return undefined;
  let parsed = v;
  if (typeof v === 'string') {
    try {
      parsed = JSON.parse(v);
    } catch {
      return fail(`环境变量 ${name} 不是有效的 JSON，应为 {"群chatid":"webhook地址或key"}`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((x) => typeof x !== 'string')) {
    return fail(`环境变量 ${name} 应为 {"群chatid":"webhook地址或key"}`);
  }
  return parsed as Record<string, string>;
}

function checkIds(list: { id: string }[], name: string): void {
  const seen = new Set<string>();
  for (const b of list) {
    if (seen.has(b.id)) fail(`环境变量 ${name} 中机器人 id「${b.id}」重复`);
    seen.add(b.id);
  }
}

interface WeComBot {
  id: string;
  botId: string;
  mode: 'long' | 'http';
  secret?: string;
  token?: string;
  aesKey?: string;
  webhooks?: Record<string, string>;
}

function wecomBot(raw: Record<string, unknown>, name: (k: string) => string): WeComBot {
  const botId = str(raw.botId, name('botId'), true)!;
  const secret = str(raw.secret, name('secret'), false);
  const token = str(raw.token, name('token'), false);
  const aesKey = str(raw.aesKey, name('aesKey'), false);
  const modeRaw = str(raw.mode, name('mode'), false);
  if (modeRaw && modeRaw !== 'long' && modeRaw !== 'http') fail(`环境变量 ${name('mode')} 应为 long（长连接）或 http（回调）`);
  // Callback credentials without a secret can only mean callback mode.
  const mode = (modeRaw ?? (secret || !(token || aesKey) ? 'long' : 'http')) as 'long' | 'http';
  if (mode === 'long' && !secret) fail(`环境变量 ${name('secret')} 未设置（长连接模式需要 Bot ID 和 Secret）`);
  if (mode === 'http') {
    if (!token) fail(`环境变量 ${name('token')} 未设置（回调模式需要 Token）`);
    if (!aesKey) fail(`环境变量 ${name('aesKey')} 未设置（回调模式需要 EncodingAESKey）`);
    if (!isValidAesKey(aesKey!)) fail(`环境变量 ${name('aesKey')} 应为 43 位 EncodingAESKey`);
  }
  return { id: str(raw.id, name('id'), false) ?? botId, botId, mode, secret, token, aesKey, webhooks: stringMap(raw.webhooks, name('webhooks')) };
}

function wecomBots(env: Env): WeComBot[] {
  const list = jsonArray(env, 'WECOM_BOTS');
  if (list && env.WECOM_BOT_ID) fail('环境变量 WECOM_BOTS 与 WECOM_BOT_ID 只能设置其一');
  if (list) {
    const bots = list.map((raw, i) => wecomBot(raw, (k) => `WECOM_BOTS[${i}].${k}`));
    checkIds(bots, 'WECOM_BOTS');
    return bots;
  }
  if (!env.WECOM_BOT_ID) {
    if (env.WECOM_BOT_SECRET || env.WECOM_CALLBACK_TOKEN) fail('环境变量 WECOM_BOT_ID 未设置');
    return [];
  }
  const shorthand: Record<string, string> = { WECOM_BOT_ID: 'botId', WECOM_BOT_SECRET: 'secret', WECOM_CALLBACK_TOKEN: 'token', WECOM_CALLBACK_AES_KEY: 'aesKey', WECOM_MODE: 'mode', WECOM_WEBHOOKS: 'webhooks' };
  const byField = Object.fromEntries(Object.entries(shorthand).map(([k, v]) => [v, k]));
  const raw = Object.fromEntries(Object.entries(shorthand).map(([k, v]) => [v, env[k]]));
  return [wecomBot(raw, (k) => byField[k] ?? k)];
}

interface DingTalkBot {
  id: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  mode: 'stream' | 'http';
  botName?: string;
  cardTemplateId?: string;
}

function dingtalkBot(raw: Record<string, unknown>, name: (k: string) => string): DingTalkBot {
  const clientId = str(raw.clientId, name('clientId'), true)!;
  const clientSecret = str(raw.clientSecret, name('clientSecret'), true)!;
  const mode = str(raw.mode, name('mode'), false) ?? 'stream';
  if (mode !== 'stream' && mode !== 'http') fail(`环境变量 ${name('mode')} 应为 stream 或 http`);
  return { id: str(raw.id, name('id'), false) ?? clientId, clientId, clientSecret, robotCode: str(raw.robotCode, name('robotCode'), false) ?? clientId, mode: mode as DingTalkBot['mode'], botName: str(raw.name, name('name'), false), cardTemplateId: str(raw.cardTemplateId, name('cardTemplateId'), false) };
}

function dingtalkBots(env: Env): DingTalkBot[] {
  const list = jsonArray(env, 'DINGTALK_BOTS');
  if (list && env.DINGTALK_CLIENT_ID) fail('环境变量 DINGTALK_BOTS 与 DINGTALK_CLIENT_ID 只能设置其一');
  if (list) {
    const bots = list.map((raw, i) => dingtalkBot(raw, (k) => `DINGTALK_BOTS[${i}].${k}`));
    checkIds(bots, 'DINGTALK_BOTS');
    return bots;
  }
  if (!env.DINGTALK_CLIENT_ID) {
    if (env.DINGTALK_CLIENT_SECRET) fail('环境变量 DINGTALK_CLIENT_ID 未设置');
    return [];
  }
  const names: Record<string, string> = { clientId: 'DINGTALK_CLIENT_ID', clientSecret: 'DINGTALK_CLIENT_SECRET', robotCode: 'DINGTALK_ROBOT_CODE', mode: 'DINGTALK_MODE', name: 'DINGTALK_BOT_NAME', cardTemplateId: 'DINGTALK_CARD_TEMPLATE_ID' };
  return [dingtalkBot({ clientId: env.DINGTALK_CLIENT_ID, clientSecret: env.DINGTALK_CLIENT_SECRET, robotCode: env.DINGTALK_ROBOT_CODE, mode: env.DINGTALK_MODE, name: env.DINGTALK_BOT_NAME, cardTemplateId: env.DINGTALK_CARD_TEMPLATE_ID }, (k) => names[k] ?? k)];
}

/**
 * Builds the real-platform adapters (and their HTTP callback routes) from environment variables
 * only, so credentials never live in config files. No variables → no platform bots; the sandbox
 * keeps working either way. Bad values throw with a Chinese message naming the variable.
 */
export function createPlatformAdapters(env: Env, deps: PlatformDeps): PlatformSetup {
  const now = () => deps.clock.now().getTime();
  const adapters: BotAdapter[] = [];
  const routes: RouteModule[] = [];
  const summary: string[] = [];

  const wsUrl = url(env, 'WECOM_WS_URL');
  const heartbeatInterval = posInt(env, 'WECOM_HEARTBEAT_MS');
  const webhookBase = url(env, 'WECOM_API_BASE');
  for (const b of wecomBots(env)) {
    if (b.mode === 'long') {
      adapters.push(new WeComLongConnectionAdapter({ id: b.id, botId: b.botId, secret: b.secret!, wsUrl, heartbeatInterval, log: deps.log, now }));
      summary.push(`企业微信 ${b.id}：长连接`);
    } else {
      const a = new WeComHttpCallbackAdapter({ id: b.id, token: b.token!, encodingAESKey: b.aesKey!, webhooks: b.webhooks, webhookBase, log: deps.log, now });
      adapters.push(a);
      routes.push(a.routes());
      summary.push(`企业微信 ${b.id}：回调 ${a.path}${b.webhooks ? `，主动推送群 ${Object.keys(b.webhooks).length} 个` : ''}`);
    }
  }

  const endpoints = { apiBase: url(env, 'DINGTALK_API_BASE'), oapiBase: url(env, 'DINGTALK_OAPI_BASE') };
  const cleanEndpoints = Object.fromEntries(Object.entries(endpoints).filter(([, v]) => v)) as { apiBase?: string; oapiBase?: string };
  const silenceMs = posInt(env, 'DINGTALK_SILENCE_MS');
  for (const b of dingtalkBots(env)) {
    const common = { id: b.id, clientId: b.clientId, clientSecret: b.clientSecret, robotCode: b.robotCode, botName: b.botName, endpoints: cleanEndpoints, log: deps.log, now };
    if (b.mode === 'stream') {
      adapters.push(new DingTalkStreamAdapter({ ...common, silenceMs, cardTemplateId: b.cardTemplateId }));
      summary.push(`钉钉 ${b.id}：Stream 模式${b.cardTemplateId ? '，互动卡片按钮' : '，卡片按钮仅单聊可点（群内请@机器人）'}`);
    } else {
      const a = new DingTalkHttpAdapter(common);
      adapters.push(a);
      routes.push(a.routes());
      summary.push(`钉钉 ${b.id}：HTTP 回调 ${a.path}`);
    }
  }
  return { adapters, routes, summary };
}
