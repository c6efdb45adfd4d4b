import { CommandRegistry, helpText } from './registry';

export function registerHelp(r: CommandRegistry): void {
  r.register({
    name: '帮助', aliases: ['help', '菜单'], summary: '查看命令，或某个命令的用法', roles: 'any', keepsDirectory: true,
    args: [{ name: '命令名', optional: true }], examples: ['/帮助', '/帮助 绑定'],
    handler: async (ctx, args) => ctx.reply(helpText(r, ctx.member.role, args['命令名']?.replace(/^\//, ''))),
  });
}
