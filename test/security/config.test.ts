import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { sandboxPlan } from '../../bots/sandbox/plan';
import { ConfigError, loadConfig, parseFlag } from '../../src/config';

const shipped = path.resolve(__dirname, '../../config');

function dirWith(local: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-conf-'));
  fs.copyFileSync(path.join(shipped, 'default.yaml'), path.join(dir, 'default.yaml'));
  fs.writeFileSync(path.join(dir, 'local.yaml'), local);
  return dir;
}

describe('security: configuration fails closed', () => {
  const dirs: string[] = [];
  const conf = (local: string) => {
    const d = dirWith(local);
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('reads false/no/off/0 as false and refuses words it does not know', () => {
    for (const v of ['false', 'FALSE', 'no', 'off', '0', ' Off ']) expect(parseFlag(v), v).to.equal(false);
    for (const v of ['true', 'yes', 'on', '1']) expect(parseFlag(v), v).to.equal(true);
    for (const v of ['false', 'no', 'off', '0']) {
      expect(loadConfig({ dir: shipped, env: { JIANFU_SANDBOX: v } }).sandbox.enabled, v).to.equal(false);
      expect(loadConfig({ dir: conf(`sandbox:\n  enabled: "${v}"\n`), env: {} }).sandbox.enabled, v).to.equal(false);
    }
    expect(() => loadConfig({ dir: shipped, env: { JIANFU_SANDBOX: 'disabled' } })).to.throw(ConfigError, /sandbox\.enabled/);
    expect(() => loadConfig({ dir: conf('demo:\n  loadOnEmpty: nope\n'), env: {} })).to.throw(ConfigError, /demo\.loadOnEmpty/);
  });

  it('binds to loopback unless HOST says otherwise', () => {
    expect(loadConfig({ dir: shipped, env: {} }).server.host).to.equal('127.0.0.1');
    expect(loadConfig({ dir: shipped, env: { HOST: '0.0.0.0' } }).server.host).to.equal('0.0.0.0');
  });

  it('counts only the operator\'s own choice for the sandbox next to a real platform', () => {
    const shippedOn = loadConfig({ dir: shipped, env: {} });
    expect(shippedOn.sandbox.enabled).to.equal(true);
    expect(sandboxPlan(shippedOn, 0).mode).to.equal('shared');
    expect(sandboxPlan(shippedOn, 1).mode).to.equal('off');
    expect(sandboxPlan(loadConfig({ dir: shipped, env: { JIANFU_SANDBOX: 'true' } }), 2).mode).to.equal('isolated');
    expect(sandboxPlan(loadConfig({ dir: conf('sandbox:\n  enabled: yes\n'), env: {} }), 1).mode).to.equal('isolated');
    expect(sandboxPlan(loadConfig({ dir: shipped, env: { JIANFU_SANDBOX: 'off' } }), 1).mode).to.equal('off');
    const same = loadConfig({ dir: conf('sandbox:\n  enabled: true\n  isolatedDatabase: sqlite:data/jianfu.db\n'), env: {} });
    expect(sandboxPlan(same, 1).mode, 'never the real database').to.equal('off');
  });

  it('stops start-up when a config file holds a secret, and says to use the environment', () => {
    const cases: [string, RegExp][] = [
      ['dingtalk:\n  clientSecret: abc\n', /dingtalk\.clientSecret 像是密钥/],
      ['wecom:\n  token: t\n', /wecom\.token 像是密钥/],
      ['x:\n  - aesKey: k\n', /x\.0\.aesKey/],
      ['database:\n  url: mysql://jianfu:pw@db:3306/jianfu\n', /database\.url 含数据库密码.*DATABASE_URL/],
      ['smtp:\n  PASSWORD: p\n', /smtp\.PASSWORD/],
    ];
    for (const [yaml, msg] of cases) expect(() => loadConfig({ dir: conf(yaml), env: {} }), yaml).to.throw(ConfigError, msg);
    // Empty placeholders and passwordless URLs are fine.
    // (an empty placeholder is not a secret; the unknown section is refused for its own reason)
    expect(() => loadConfig({ dir: conf('wecom:\n  token: ""\n'), env: {} })).to.throw(ConfigError, /未知的配置项 wecom/);
    expect(() => loadConfig({ dir: conf('database:\n  url: mysql://root@127.0.0.1:3306/jianfu\n'), env: {} })).to.not.throw();
  });
});
