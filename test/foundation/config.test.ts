import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config';

const dir = path.resolve(__dirname, '../../config');

describe('foundation: configuration', () => {
  it('merges defaults with environment variables', () => {
    const c = loadConfig({ dir, env: { PORT: '8080', DATABASE_URL: 'mysql://u:p@db:3306/jianfu', JIANFU_SANDBOX: 'false', JIANFU_ADMINS: 'wecom:zhang:张三,dingtalk:li' } });
    expect(c.server.port).to.equal(8080);
    expect(c.database.url).to.equal('mysql://u:p@db:3306/jianfu');
    expect(c.sandbox.enabled).to.equal(false);
    expect(c.admins).to.deep.equal([{ platform: 'wecom', userId: 'zhang', name: '张三' }, { platform: 'dingtalk', userId: 'li', name: 'li' }]);
    expect(c.rules).to.deep.equal({});
  });

  it('names the bad key and the expected form', () => {
    expect(() => loadConfig({ dir, env: { PORT: 'abc' } })).to.throw(ConfigError, /server\.port/);
    expect(() => loadConfig({ dir, env: { DATABASE_URL: 'postgres://x' } })).to.throw(ConfigError, /database\.url 无效：应为 sqlite:路径 或 mysql:/);
    expect(() => loadConfig({ dir, env: {}, overrides: { workHours: { start: '8:30' } } })).to.throw(ConfigError, /workHours\.start 无效：应为 HH:MM/);
    expect(() => loadConfig({ dir, env: { JIANFU_ADMINS: 'nobody' } })).to.throw(ConfigError, /JIANFU_ADMINS/);
  });
});
