import { expect } from 'chai';
import { createPlatformAdapters } from '../../bots';
import { DingTalkHttpAdapter } from '../../bots/dingtalk/http-callback';
import { DingTalkStreamAdapter } from '../../bots/dingtalk/stream';
import { WeComHttpCallbackAdapter } from '../../bots/wecom/http-callback';
import { WeComLongConnectionAdapter } from '../../bots/wecom/long-connection';
import { ManualClock } from '../../src/clock';
import { ConfigError } from '../../src/config';
import { testLog } from './helpers';

const AES = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const deps = { clock: new ManualClock('2026-11-23T09:15:00+08:00'), log: testLog };
const build = (env: Record<string, string>) => createPlatformAdapters(env, deps);

describe('platform bots from environment variables', () => {
  it('builds nothing without variables (the sandbox works alone)', () => {
    const r = build({});
    expect(r.adapters).to.have.length(0);
    expect(r.routes).to.have.length(0);
  });

  it('builds one WeCom long-connection bot from the shorthand, id defaulting to the Bot ID', () => {
    const [a] = build({ WECOM_BOT_ID: 'aib123', WECOM_BOT_SECRET: 'sec' }).adapters;
    expect(a).to.be.instanceOf(WeComLongConnectionAdapter);
    expect(a.botId).to.equal('aib123');
    expect(a.maxBytes({ body: { kind: 'text', text: '' } })).to.equal(20480);
  });

  it('builds several bots per platform from WECOM_BOTS and DINGTALK_BOTS, with callback routes', () => {
    const r = build({
      WECOM_BOTS: JSON.stringify([{ id: 'street1', botId: 'a1', secret: 's1' }, { id: 'street2', botId: 'a2', token: 'T', aesKey: AES, webhooks: { wrG: 'key' } }]),
      DINGTALK_BOTS: JSON.stringify([{ id: 'd1', clientId: 'c1', clientSecret: 'x' }, { id: 'd2', clientId: 'c2', clientSecret: 'y', mode: 'http' }]),
    });
    expect(r.adapters.map((a) => `${a.platform}/${a.botId}`)).to.deep.equal(['wecom/street1', 'wecom/street2', 'dingtalk/d1', 'dingtalk/d2']);
    expect(r.adapters[1]).to.be.instanceOf(WeComHttpCallbackAdapter);
    expect(r.adapters[2]).to.be.instanceOf(DingTalkStreamAdapter);
    expect(r.adapters[3]).to.be.instanceOf(DingTalkHttpAdapter);
    expect(r.adapters[2].perChatPerMinute).to.equal(20);
    expect(r.routes).to.have.length(2);
    expect(r.summary).to.have.length(4);
  });

  it('chooses WeCom callback mode when only Token and EncodingAESKey are given', () => {
    const [a] = build({ WECOM_BOT_ID: 'aib', WECOM_CALLBACK_TOKEN: 'T', WECOM_CALLBACK_AES_KEY: AES }).adapters as WeComHttpCallbackAdapter[];
    expect(a).to.be.instanceOf(WeComHttpCallbackAdapter);
    expect(a.path).to.equal('/wecom/callback/aib');
  });

  it('builds a DingTalk Stream bot from the shorthand, or an HTTP one with DINGTALK_MODE=http', () => {
    expect(build({ DINGTALK_CLIENT_ID: 'c', DINGTALK_CLIENT_SECRET: 's' }).adapters[0]).to.be.instanceOf(DingTalkStreamAdapter);
    const r = build({ DINGTALK_CLIENT_ID: 'c', DINGTALK_CLIENT_SECRET: 's', DINGTALK_MODE: 'http' });
    expect(r.adapters[0]).to.be.instanceOf(DingTalkHttpAdapter);
    expect(r.routes).to.have.length(1);
  });

  it('takes the DingTalk robot name and interactive card template from the environment, and says so at start-up', () => {
    const plain = build({ DINGTALK_CLIENT_ID: 'c', DINGTALK_CLIENT_SECRET: 's' });
    expect((plain.adapters[0] as DingTalkStreamAdapter).api.cardTemplateId).to.equal(undefined);
    expect(plain.summary[0]).to.contain('群内请@机器人');
    const cards = build({ DINGTALK_CLIENT_ID: 'c', DINGTALK_CLIENT_SECRET: 's', DINGTALK_CARD_TEMPLATE_ID: 'tpl.schema', DINGTALK_BOT_NAME: '街道助手' });
    const api = (cards.adapters[0] as DingTalkStreamAdapter).api;
    expect([api.cardTemplateId, api.botName]).to.deep.equal(['tpl.schema', '街道助手']);
    expect(cards.summary[0]).to.contain('互动卡片按钮');
  });

  it('trims values, strips trailing slashes from base URLs and reads numbers', () => {
    const r = build({ DINGTALK_CLIENT_ID: ' c ', DINGTALK_CLIENT_SECRET: 's', DINGTALK_API_BASE: 'http://127.0.0.1:9/', DINGTALK_SILENCE_MS: '1500' });
    const a = r.adapters[0] as DingTalkStreamAdapter;
    expect(a.botId).to.equal('c');
    expect(a.api.endpoints.apiBase).to.equal('http://127.0.0.1:9');
    expect(a.connection.silenceMs).to.equal(1500);
  });

  it('treats an empty variable as unset', () => {
    expect(build({ WECOM_BOT_ID: '', WECOM_HEARTBEAT_MS: '', DINGTALK_BOTS: '' }).adapters).to.have.length(0);
  });

  const refuses: [string, Record<string, string>, RegExp][] = [
    ['WeCom secret missing', { WECOM_BOT_ID: 'a' }, /^环境变量 WECOM_BOT_SECRET 未设置（长连接模式需要 Bot ID 和 Secret）$/],
    ['bad EncodingAESKey', { WECOM_BOT_ID: 'a', WECOM_CALLBACK_TOKEN: 'T', WECOM_CALLBACK_AES_KEY: 'short' }, /^环境变量 WECOM_CALLBACK_AES_KEY 无效：应为 43 位 EncodingAESKey$/],
    ['bad WECOM_MODE', { WECOM_BOT_ID: 'a', WECOM_BOT_SECRET: 's', WECOM_MODE: 'ws' }, /^环境变量 WECOM_MODE 无效：应为 long（长连接）或 http（回调）$/],
    ['WECOM_BOTS not JSON', { WECOM_BOTS: '[{' }, /^环境变量 WECOM_BOTS 无效：不是有效的 JSON，应为数组/],
    ['WECOM_BOTS entry without secret', { WECOM_BOTS: '[{"botId":"x"}]' }, /^环境变量 WECOM_BOTS\[0\]\.secret 未设置/],
    ['duplicate ids', { WECOM_BOTS: '[{"botId":"x","secret":"s"},{"botId":"x","secret":"t"}]' }, /^环境变量 WECOM_BOTS 无效：机器人 id「x」重复$/],
    ['both forms at once', { WECOM_BOTS: '[{"botId":"x","secret":"s"}]', WECOM_BOT_ID: 'y' }, /^环境变量 WECOM_BOT_ID 无效：与 WECOM_BOTS 只能设置其一$/],
    ['DingTalk secret missing', { DINGTALK_CLIENT_ID: 'c' }, /^环境变量 DINGTALK_CLIENT_SECRET 未设置$/],
    ['bad DINGTALK_MODE', { DINGTALK_CLIENT_ID: 'c', DINGTALK_CLIENT_SECRET: 's', DINGTALK_MODE: 'ws' }, /^环境变量 DINGTALK_MODE 无效：应为 stream 或 http$/],
    ['bad base URL', { DINGTALK_CLIENT_ID: 'c', DINGTALK_CLIENT_SECRET: 's', DINGTALK_API_BASE: 'api.dingtalk.com' }, /^环境变量 DINGTALK_API_BASE 无效：应为网址，例如 https:\/\/api\.dingtalk\.com$/],
    ['bad number', { WECOM_BOT_ID: 'a', WECOM_BOT_SECRET: 's', WECOM_HEARTBEAT_MS: 'fast' }, /^环境变量 WECOM_HEARTBEAT_MS 无效：应为正整数（毫秒），现为「fast」$/],
    ['a zero interval', { DINGTALK_CLIENT_ID: 'c', DINGTALK_CLIENT_SECRET: 's', DINGTALK_SILENCE_MS: '0' }, /^环境变量 DINGTALK_SILENCE_MS 无效：应为正整数（毫秒），现为「0」$/],
    ['a secret without a Bot ID', { WECOM_BOT_SECRET: 's' }, /^环境变量 WECOM_BOT_ID 未设置（已设置 WECOM_BOT_SECRET）$/],
    ['WECOM_WEBHOOKS not a map of strings', { WECOM_BOT_ID: 'a', WECOM_CALLBACK_TOKEN: 'T', WECOM_CALLBACK_AES_KEY: AES, WECOM_WEBHOOKS: '{"wrG":1}' }, /^环境变量 WECOM_WEBHOOKS 无效：应为 \{"群chatid":"webhook地址或key"\}$/],
    ['a DINGTALK_BOTS entry that is not an object', { DINGTALK_BOTS: '["c1"]' }, /^环境变量 DINGTALK_BOTS\[0\] 无效：应为 JSON 对象$/],
    ['an empty DINGTALK_BOTS list', { DINGTALK_BOTS: '[]' }, /^环境变量 DINGTALK_BOTS 无效：应为非空的 JSON 对象数组$/],
    ['a bad mode inside DINGTALK_BOTS', { DINGTALK_BOTS: '[{"clientId":"c","clientSecret":"s","mode":"ws"}]' }, /^环境变量 DINGTALK_BOTS\[0\]\.mode 无效：应为 stream 或 http$/],
    ['a misspelt key inside WECOM_BOTS', { WECOM_BOTS: '[{"botId":"x","secert":"s"}]' }, /^环境变量 WECOM_BOTS\[0\] 无效：未知的键 secert$/],
    ['a number where text is expected', { WECOM_BOTS: '[{"botId":7,"secret":"s"}]' }, /^环境变量 WECOM_BOTS\[0\]\.botId 无效：应为字符串$/],
  ];
  for (const [what, env, message] of refuses) {
    it(`refuses ${what} with a Chinese message naming the variable`, () => {
      expect(() => build(env)).to.throw(ConfigError, message);
    });
  }
});
