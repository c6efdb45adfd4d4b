/**
 * A simulated week of traffic in the demo street (幸福街道), sent through the sandbox like real
 * users: notices that pass, are held, queued out of hours, sent as emergencies, rejected and
 * withdrawn; an anonymous 反映; register entries. `npx tsx bench/simulate-week.ts [DATABASE_URL]`
 * runs it on a fresh database and prints /周报 上周 as the admins would see it on Monday.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface WeekDriver {
  /** Moves the clock to a local time (+08:00) and runs the per-minute jobs. */
  at(iso: string): Promise<void>;
  say(userId: string, chatId: string, text: string): Promise<string[]>;
}

/** Monday of the simulated week. */
export const WEEK_START = '2026-11-23';

type Step = [at: string, userId: string, chatId: string, text: string];

// The {n} marker is replaced by the number the bot gave the previous notice, so withdraw and reject hit the right one.
const STEPS: Step[] = [
  ['2026-11-23T09:15', 'lixia', 'g-minzheng', '/通知 全部社区 请于11月27日前报送辖区80岁以上老人名单（姓名、身份证号、住址、联系电话） 依据:X11'],
  ['2026-11-23T10:00', 'lixia', 'g-minzheng', '/通知 全部社区 请各社区今天12点前上交辖区低保户名单 依据:X01'],
  ['2026-11-23T14:00', 'zhaogang', 'g-yingji', '/通知 全部社区 请各社区书记于11月26日参加安全生产工作会议 依据:X07'],
  ['2026-11-24T09:30', 'sunli', 'sunli', '/通知 人民社区 请于11月27日前入户走访独居老人并拍照留痕上传 依据:L09'],
  ['2026-11-24T11:00', 'lixia', 'g-minzheng', '/通知 全部社区 请各社区于11月27日前申报文明社区评比材料 依据:L12'],
  ['2026-11-24T21:30', 'lixia', 'g-minzheng', '/通知 和平社区、东湖村 请于11月27日前报送困难家庭名单（姓名、住址、困难类型） 依据:X01'],
  ['2026-11-24T22:10', 'zhaogang', 'g-yingji', '/通知 和平社区 请于11月27日前报送燃气用户安全隐患排查情况 依据:X07'],
  ['2026-11-25T10:00', 'zhaogang', 'g-yingji', '/通知 全部社区 请组织居民下载注册平安通APP，于11月27日前报送注册人数 依据:X07'],
  ['2026-11-25T15:00', 'lixia', 'g-minzheng', '/通知 全部社区 请协助完成招商引资任务，于11月30日前报送意向企业名单'],
  ['2026-11-25T15:10', 'admin', 'g-admin', '/准入 驳回 {n} 不属于社区职责'],
  ['2026-11-25T20:00', 'zhaogang', 'g-yingji', '/通知 全部社区 请立即组织巡查低洼地带 紧急:防汛 今晚有暴雨'],
  ['2026-11-26T09:00', 'lixia', 'g-minzheng', '/通知 人民社区 请于11月30日前报送养老补贴发放名单 依据:X11'],
  ['2026-11-26T09:05', 'lixia', 'g-minzheng', '/撤回 {n}'],
  ['2026-11-26T10:00', 'admin', 'g-admin', '/群与应用 登记 群 养老服务群 人民社区 民政科'],
  ['2026-11-26T10:01', 'admin', 'g-admin', '/群与应用 登记 应用 平安通APP 全部社区 应急管理办'],
  ['2026-11-26T11:00', 'zhangmin', 'zhangmin', '/反映 民政科要求每天在群里打卡截图'],
  ['2026-11-27T09:30', 'lixia', 'g-minzheng', '/通知 全部社区 请于12月2日前报送辖区残疾人基本信息（姓名、残疾类别、联系电话） 依据:X10'],
  ['2026-11-28T10:00', 'zhaogang', 'g-yingji', '/通知 东湖村 请于12月1日前报送防汛物资清单 依据:X06'],
];

export async function simulateWeek(d: WeekDriver): Promise<void> {
  let last = '';
  for (const [at, userId, chatId, text] of STEPS) {
    await d.at(`${at}:00+08:00`);
    const replies = await d.say(userId, chatId, text.replace('{n}', last));
    const n = replies.map((r) => /第(\d+)号通知/.exec(r)?.[1]).find(Boolean);
    if (n && text.startsWith('/通知')) last = n;
  }
  // Monday 09:00: queued notices go out and the weekly report is pushed.
  await d.at('2026-11-30T09:00:00+08:00');
}

async function main(): Promise<void> {
  const { Harness } = await import('../test/helpers/harness');
  const url = process.argv[2] ?? `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-week-')), 'week.db')}`;
  const h = await Harness.start({ url, now: `${WEEK_START}T08:00:00+08:00` });
  try {
    await simulateWeek({ at: (iso) => h.advanceTo(iso), say: (u, c, t) => h.say(u, c, t) });
    await h.app.settle();
    process.stdout.write(`数据库：${url}\n\n== 管理组收到的周报\n${h.botMessages('g-admin').filter((m) => m.includes('减负周报')).join('\n\n')}\n`);
  } finally {
    await h.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
    process.exit(1);
  });
}
