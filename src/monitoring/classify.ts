/** The monitoring points' categories (文件下发、会议召开、督查考核、公众号/APP…), as the issue lists them. */
export const NOTICE_CLASSES = ['文件/通知', '会议', '督查检查', '考核评比与创建', '数据报表', 'APP/公众号推广', '其他'] as const;
export type NoticeClass = (typeof NOTICE_CLASSES)[number];

// Most specific first: a "推广APP的考核" is promotion, a "检查评比" is an evaluation.
const PATTERNS: [NoticeClass, RegExp][] = [
  ['APP/公众号推广', /公众号|APP|App|app|小程序|下载安装|注册(?:账号|用户)|关注|点赞|投票|扫码|刷量|转发量|阅读量/],
  ['考核评比与创建', /考核|评比|评选|评优|创建|达标|示范(?:点|社区|村)|星级|排名|打分|验收|争创|创城|创卫/],
  ['督查检查', /督查|督导|检查|暗访|抽查|核查|迎检|考察/],
  ['会议', /会议|开会|参会|召开|座谈|培训会|视频会|例会|列席/],
  ['数据报表', /报送|报表|统计|填报|台账|名单|上报|表格|数据|摸排|登记表/],
  ['文件/通知', /通知|文件|印发|传达|学习|落实|方案|意见/],
];

export function classifyNotice(text: string): NoticeClass {
  for (const [cls, re] of PATTERNS) if (re.test(text)) return cls;
  return '其他';
}

const DATA_VERB = /报送|填报|统计|上报|填写|收集|登记|提供|摸排|报表|名单|台账/;
const CLAUSE = /[。；;！!\n]/;

/**
 * How many fields a data request asks for: the longest 、/，-separated list in a clause that asks
 * for data ("名单（姓名、身份证号、住址）" is 3). A request with no list counts as one field;
 * a notice that asks for no data counts none.
 */
export function countRequestedFields(text: string): number {
  let best = 0;
  for (const clause of text.split(CLAUSE)) {
    if (!DATA_VERB.test(clause)) continue;
    best = Math.max(best, 1);
    const inner = [...clause.matchAll(/[（(]([^（）()]+)[）)]/g)].map((m) => m[1]);
    for (const part of [...inner, clause]) {
      const items = part.split(/[、]/).map((s) => s.trim()).filter(Boolean);
      if (items.length > 1) best = Math.max(best, items.length);
    }
  }
  return best;
}
