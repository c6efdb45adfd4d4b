import { DingTalkStreamAdapter } from '../../bots/dingtalk/stream';
import { WeComLongConnectionAdapter } from '../../bots/wecom/long-connection';
import { DingTalkFake } from '../fakes/dingtalk-fake';
import { WeComFake } from '../fakes/wecom-fake';
import { Harness } from '../helpers/harness';
import { shortConversation } from './conversation';
import { handled, testLog } from './helpers';

describe('the same short conversation on every platform', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // App first (disconnects the SDK clients while the fakes still listen), then the fakes.
    while (stops.length) await stops.shift()!();
  });

  it('runs in the sandbox', async () => {
    const h = await Harness.start();
    stops.push(() => h.stop());
    await shortConversation({
      admin: { id: 'admin', name: '王主任' },
      guest: { id: 'xiaozhou', name: '小周' },
      say: (user, where, text) => h.say(user, where === 'group' ? 'g-new' : user, text, { chatType: where }),
    });
  });

  it('runs on WeCom (long connection)', async () => {
    const fake = await WeComFake.start({ bots: { 'aibot-1': 's' } });
    const adapter = new WeComLongConnectionAdapter({ id: 'w1', botId: 'aibot-1', secret: 's', wsUrl: fake.wsUrl, heartbeatInterval: 300, reconnectInterval: 50, log: testLog });
    const h = await Harness.start({ adapters: [adapter], listen: true, config: { admins: [{ platform: 'wecom', userId: 'u-admin', name: '王主任' }] } });
    stops.push(() => h.stop(), () => fake.close());
    await shortConversation({
      admin: { id: 'u-admin', name: '王主任' },
      // WeCom frames carry no display name, so a newcomer is known by their user id.
      guest: { id: 'u-guest', name: 'u-guest' },
      say: async (user, where, text) => {
        const chat = where === 'group' ? 'wrCONV' : user;
        const before = fake.shownIn(chat).length;
        const { msgid } = where === 'group'
          ? fake.pushText({ chatid: chat, userid: user, content: `@减负助手 ${text}` })
          : fake.pushText({ userid: user, content: text });
        await handled(h, 'wecom', msgid);
        return fake.shownIn(chat).slice(before);
      },
    });
  });

  it('runs on DingTalk (Stream mode)', async () => {
    const fake = await DingTalkFake.start({ apps: { dcid: 'dsecret' }, people: { 'staff-admin': '王主任', 'staff-guest': '小周' } });
    const adapter = new DingTalkStreamAdapter({ id: 'd1', clientId: 'dcid', clientSecret: 'dsecret', endpoints: { apiBase: fake.base, oapiBase: fake.base }, silenceMs: 2000, pingIntervalMs: 200, reconnectBaseMs: 50, log: testLog });
    const h = await Harness.start({ adapters: [adapter], listen: true, config: { admins: [{ platform: 'dingtalk', userId: 'staff-admin', name: '王主任' }] } });
    stops.push(() => h.stop(), () => fake.close());
    await shortConversation({
      admin: { id: 'staff-admin', name: '王主任' },
      guest: { id: 'staff-guest', name: '小周' },
      say: async (user, where, text) => {
        const chat = where === 'group' ? 'cidCONV==' : user;
        const before = fake.shownIn(chat).length;
        const { msgId } = where === 'group'
          ? fake.pushRobotMessage({ conversationType: '2', conversationId: chat, senderStaffId: user, text })
          : fake.pushRobotMessage({ conversationType: '1', senderStaffId: user, text });
        await handled(h, 'dingtalk', msgId);
        return fake.shownIn(chat).slice(before);
      },
    });
  });
});
