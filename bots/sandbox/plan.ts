import type { AppConfig } from '../../src/config';

/**
 * Where the sandbox may run. Its identities are not authenticated (the page picks who you are),
 * so next to a real platform it must never share that platform's data: it is off unless the
 * operator turned it on, and then it gets a database of its own.
 */
export type SandboxPlan =
  | { mode: 'shared'; log: string }
  | { mode: 'off'; log: string }
  | { mode: 'isolated'; database: string; log: string };

export function sandboxPlan(config: AppConfig, realPlatforms: number): SandboxPlan {
  if (realPlatforms === 0) {
    return config.sandbox.enabled
      ? { mode: 'shared', log: '未接入真实平台，沙盒使用本服务的数据库' }
      : { mode: 'off', log: '沙盒已关闭' };
  }
  if (config.sandbox.operatorChoice !== true) {
    return { mode: 'off', log: '已接入真实平台，沙盒已关闭（需要演示时设 JIANFU_SANDBOX=true，沙盒将使用独立的演示数据）' };
  }
  const database = config.sandbox.isolatedDatabase;
  if (database === config.database.url) {
    return { mode: 'off', log: '沙盒的独立数据库与正式数据库相同，为保护真实群，沙盒已关闭（请修改 sandbox.isolatedDatabase）' };
  }
  return { mode: 'isolated', database, log: `已接入真实平台，沙盒使用独立的演示数据库（${database.replace(/\/\/[^@]*@/, '//***@')}），无法触达真实群和正式设置` };
}
