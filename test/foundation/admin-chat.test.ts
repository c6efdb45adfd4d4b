import { expect } from 'chai';
import { AuditLog, ChatGroup, Community, InboundMessage, Member, OutboxMessage } from '../../entities';
import { Harness } from '../helpers/harness';

describe('foundation: talking to the bot through the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('lets an admin bind a new group to a community and stores it with an audit entry', async () => {
    const replies = await h.say('admin', 'g-new', '/绑定 社区 东湖村');
    expect(replies).to.deep.equal(['已将本群绑定为「东湖村」（社区群）。']);
    const em = h.app.ds.manager;
    const group = await em.findOneOrFail(ChatGroup, { where: { platform: 'sandbox', chatId: 'g-new' } });
    const community = await em.findOneOrFail(Community, { where: { name: '东湖村' } });
    expect(group.kind).to.equal('community');
    expect(group.communityId).to.equal(community.id);
    const log = await em.findOneOrFail(AuditLog, { where: { action: 'group.bind', entityId: String(group.id) } });
    expect(log.actorName).to.equal('王主任');
    expect(log.before).to.equal(null);
    expect((log.after as { kind: string }).kind).to.equal('community');
  });

  it('accepts the colon form and rebinding records before and after', async () => {
    await h.say('admin', 'g-new', '绑定：部门 民政科');
    const replies = await h.say('admin', 'g-new', '/绑定 管理组');
    expect(replies[0]).to.contain('管理组');
    const logs = await h.app.ds.manager.find(AuditLog, { where: { action: 'group.bind' }, order: { id: 'ASC' } });
    expect(logs).to.have.length(2);
    expect((logs[1].before as { kind: string }).kind).to.equal('department');
    expect((logs[1].after as { kind: string }).kind).to.equal('admin');
  });

  it('sets a member role and unit, lists members and removes them', async () => {
    expect(await h.say('xiaozhou', 'g-new', '/我是谁')).to.deep.equal(['小周（xiaozhou）：未登记\n本群：未绑定']);
    expect(await h.say('admin', 'g-admin', '/设置角色 小周 社区工作者 东湖村')).to.deep.equal(['已设置 小周 为社区工作者（东湖村）。']);
    const m = await h.app.ds.manager.findOneOrFail(Member, { where: { externalId: 'xiaozhou' } });
    expect(m.role).to.equal('community_worker');
    const list = (await h.say('admin', 'g-admin', '/成员列表 东湖村'))[0];
    expect(list).to.contain('小周（xiaozhou）：社区工作者 · 东湖村');
    expect(list).to.contain('刘洋');
    expect(list).not.to.contain('张敏');
    expect(await h.say('admin', 'g-admin', '/移除成员 小周')).to.deep.equal(['已移除 小周 的角色和单位。']);
    const after = await h.app.ds.manager.findOneOrFail(Member, { where: { externalId: 'xiaozhou' } });
    expect(after.role).to.equal('guest');
    expect(after.communityId).to.equal(null);
    const audits = await h.app.ds.manager.find(AuditLog, { where: { entity: 'member', entityId: String(m.id) }, order: { id: 'ASC' } });
    expect(audits.map((a) => a.action)).to.deep.equal(['member.role', 'member.remove']);
  });

  it('asks for a unit when a role needs one, and rejects unknown people and units', async () => {
    expect((await h.say('admin', 'g-admin', '/设置角色 小周 部门'))[0]).to.contain('请写明单位');
    expect((await h.say('admin', 'g-admin', '/设置角色 无名氏 部门 民政科'))[0]).to.contain('没有找到成员「无名氏」');
    expect((await h.say('admin', 'g-admin', '/设置角色 小周 部门 不存在局'))[0]).to.contain('没有找到部门「不存在局」');
    expect((await h.say('admin', 'g-admin', '/设置角色 小周 校长'))[0]).to.contain('「角色」应为');
  });

  it('adds and removes units, refusing to remove one still in use', async () => {
    expect(await h.say('admin', 'g-admin', '/添加部门 住建局')).to.deep.equal(['已添加部门「住建局」。']);
    expect(await h.say('admin', 'g-admin', '/添加部门 住建局')).to.deep.equal(['「住建局」已存在。']);
    expect((await h.say('admin', 'g-admin', '/删除单位 人民社区'))[0]).to.contain('仍有');
    expect(await h.say('admin', 'g-admin', '/删除单位 住建局')).to.deep.equal(['已删除「住建局」。']);
    expect((await h.say('lixia', 'g-minzheng', '/单位列表'))[0]).to.match(/部门（5）/);
  });

  it('generates /帮助 from the declarations, per role and per command', async () => {
    const forWorker = (await h.say('zhangmin', 'g-renmin', '/帮助'))[0];
    expect(forWorker).to.contain('/我是谁');
    expect(forWorker).not.to.contain('/绑定');
    const forAdmin = (await h.say('admin', 'g-admin', '/帮助'))[0];
    expect(forAdmin).to.contain('/绑定');
    const one = (await h.say('admin', 'g-admin', '/帮助 绑定'))[0];
    expect(one).to.contain('用法：/绑定 <类型> [名称]');
    expect(one).to.contain('/绑定 社区 人民社区');
    expect(one).to.contain('可用者：管理员');
    expect((await h.say('admin', 'g-admin', '帮助：设置角色'))[0]).to.contain('别名：角色');
    expect((await h.say('admin', 'g-admin', '/帮助 飞行'))[0]).to.equal('没有命令「飞行」。发送 /帮助 查看全部命令。');
  });

  it('answers unknown commands, free text and missing arguments in Chinese', async () => {
    expect(await h.say('zhangmin', 'g-renmin', '/飞行')).to.deep.equal(['未知命令 /飞行。发送 /帮助 查看可用命令。']);
    expect(await h.say('zhangmin', 'g-renmin', '你好')).to.deep.equal(['没有识别到命令。发送 /帮助 查看可用命令。']);
    expect(await h.say('admin', 'g-new', '/绑定')).to.deep.equal(['缺少参数「类型」。用法：/绑定 <类型> [名称]']);
    expect(await h.say('admin', 'g-new', '/移除成员')).to.deep.equal(['缺少参数「成员」。用法：/移除成员 <成员>']);
    expect((await h.say('admin', 'admin', '/绑定 管理组', { chatType: 'direct' }))[0]).to.contain('需要在群聊中使用');
  });

  it('refuses an over-long message politely and still records it once', async () => {
    const long = '请'.repeat(8001);
    const replies = await h.say('zhangmin', 'g-renmin', long);
    expect(replies).to.deep.equal(['消息过长（8001字），请控制在8000字以内，或分几条发送。']);
    const rows = await h.app.ds.manager.count(InboundMessage, { where: { senderId: 'zhangmin' } });
    expect(rows).to.equal(1);
  });

  it('records a pasted book (beyond a TEXT column) and refuses it with its real length', async () => {
    const huge = '居'.repeat(40_000);
    expect(await h.say('chenjing', 'g-heping', huge)).to.deep.equal(['消息过长（40000字），请控制在8000字以内，或分几条发送。']);
    const row = await h.app.ds.manager.findOneOrFail(InboundMessage, { where: { senderId: 'chenjing' } });
    expect(row.status).to.equal('processed');
    expect([...row.text].length).to.equal(16_000);
  });

  it('refuses an admin-only command from a community worker and logs the attempt', async () => {
    const replies = await h.say('zhangmin', 'g-renmin', '/绑定 部门 民政科');
    expect(replies).to.deep.equal(['权限不足：/绑定 仅限管理员使用。你当前是社区工作者。']);
    const group = await h.app.ds.manager.findOneOrFail(ChatGroup, { where: { chatId: 'g-renmin' } });
    expect(group.kind).to.equal('community');
    const denied = await h.app.ds.manager.findOneOrFail(AuditLog, { where: { action: 'denied' } });
    expect(denied.actorName).to.equal('张敏');
    expect(denied.entityId).to.equal('绑定');
  });

  it('handles the same platform message id delivered twice only once', async () => {
    const first = await h.send('admin', 'g-new', '/绑定 社区 和平社区', { messageId: 'dup-1' });
    const second = await h.send('admin', 'g-new', '/绑定 社区 和平社区', { messageId: 'dup-1' });
    expect(first.duplicate).to.equal(false);
    expect(first.entries).to.have.length(1);
    expect(second.duplicate).to.equal(true);
    expect(second.entries).to.have.length(0);
    const em = h.app.ds.manager;
    expect(await em.count(InboundMessage, { where: { messageId: 'dup-1' } })).to.equal(1);
    expect(await em.count(AuditLog, { where: { action: 'group.bind' } })).to.equal(1);
    expect(await em.count(OutboxMessage, { where: { chatId: 'g-new' } })).to.equal(1);
  });

  it('creates unknown senders as unregistered members', async () => {
    expect(await h.say('newbie', 'g-new', '/我是谁')).to.deep.equal(['newbie（newbie）：未登记\n本群：未绑定']);
    const m = await h.app.ds.manager.findOneOrFail(Member, { where: { externalId: 'newbie' } });
    expect(m.role).to.equal('guest');
  });
});
