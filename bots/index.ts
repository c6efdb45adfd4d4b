import type { Logger } from 'pino';
import type { Clock } from '../src/clock';
import type { RouteModule } from '../src/server/http';
import type { BotAdapter } from './types';
import { DingTalkHttpAdapter } from './dingtalk/http-callback';
import { DingTalkStreamAdapter } from './dingtalk/stream';
import { parsePlatformEnv } from './env';
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

/**
 * Builds the real-platform adapters (and their HTTP callback routes) from environment variables
 * only, so credentials never live in config files. No variables → no platform bots; the sandbox
 * keeps working either way. Bad values throw a ConfigError naming the variable (bots/env.ts).
 */
export function createPlatformAdapters(env: Env, deps: PlatformDeps): PlatformSetup {
  const { wecom, dingtalk } = parsePlatformEnv(env);
  const now = () => deps.clock.now().getTime();
  const adapters: BotAdapter[] = [];
  const routes: RouteModule[] = [];
  const summary: string[] = [];

  const { wsUrl, heartbeatInterval, webhookBase } = wecom;
  for (const b of wecom.bots) {
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

  const { endpoints, silenceMs } = dingtalk;
  for (const b of dingtalk.bots) {
    const common = { id: b.id, clientId: b.clientId, clientSecret: b.clientSecret, robotCode: b.robotCode, botName: b.botName, endpoints, log: deps.log, now };
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
