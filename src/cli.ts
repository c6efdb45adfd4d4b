/**
 * The `jianfu` command. Each subcommand module is loaded lazily so that
 * `jianfu deadline` does not pay for opening the database.
 */
type Subcommand = { summary: string; run: (args: string[]) => Promise<number> };

const subcommands: Record<string, Subcommand> = {
  start: { summary: '启动服务（含沙盒聊天）', run: async (a) => (await import('./cli/start')).main(a) },
  chat: { summary: '终端沙盒聊天', run: async (a) => (await import('./cli/chat')).main(a) },
  migrate: { summary: '执行数据库迁移', run: async (a) => (await import('./cli/migrate')).main(a) },
  deadline: { summary: '从文本提取截止时间：deadline --jsonl FILE', run: async (a) => (await import('./cli/deadline')).main(a) },
  dedup: { summary: '判断两份数据索取是否重复：dedup --jsonl FILE', run: async (a) => (await import('./ledger/cli')).main(a) },
  route: { summary: '吹哨分派：route train|predict|desk --jsonl FILE', run: async (a) => (await import('./whistle/cli')).main(a) },
  assess: { summary: '按 /评估 的规则批量检查通知：assess --jsonl FILE', run: async (a) => (await import('./cli/assess')).main(a) },
  formalism: { summary: '训练形式主义样例分类器：formalism train', run: async (a) => (await import('./cli/formalism')).main(a) },
  holidays: { summary: '解析国务院节假日通知：holidays parse FILE', run: async (a) => (await import('./cli/holidays')).main(a) },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const sub = name ? subcommands[name] : undefined;
  if (!sub) {
    const lines = Object.entries(subcommands).map(([k, v]) => `  jianfu ${k.padEnd(10)} ${v.summary}`);
    process.stderr.write(`用法：\n${lines.join('\n')}\n`);
    return name ? 2 : 0;
  }
  return sub.run(rest);
}
