import { expect } from 'chai';
import { computeFigures } from '../../src/monitoring/figures';
import { whistleOption } from '../../src/monitoring/chart';
import { weekPeriod } from '../../src/monitoring/period';
import { reportMarkdown } from '../../src/monitoring/report';
import { monitoringSettings } from '../../src/monitoring/settings';
import { Services } from '../../src/unit';
import { Harness } from '../helpers/harness';

describe('monitoring: figures from the whistle desk and the ledger when they are installed', function () {
  this.timeout(30_000);
  let h: Harness;

  before(async () => {
    h = await Harness.start();
  });

  after(async () => {
    await h.stop();
  });

  const figuresWith = async (services: Services) => {
    const settings = monitoringSettings(h.app.config, {});
    return computeFigures(h.app.ds.manager, weekPeriod('2026-11-23'), { cal: h.app.calendar.cal, settings, services });
  };

  it('shows 暂无 without them, and their figures with them', async () => {
    const none = await figuresWith(new Services());
    expect([none.whistle, none.ledger]).to.deep.equal([null, null]);
    const text = reportMarkdown(none, null, monitoringSettings(h.app.config, {}).minutesSaved);
    expect(text).to.contain('吹哨响应：暂无');
    expect(text).to.contain('台账免填：暂无');

    const calls: unknown[][] = [];
    const services = new Services();
    services.provide('whistle.figures', {
      async byDepartment(...args: unknown[]) {
        calls.push(args);
        return [{ department: '民政科', received: 3, reported: 3, reportedOnTime: 2, done: 2, doneOnTime: 1, rated: 2, satisfied: 1, basicallySatisfied: 1, unsatisfied: 0, returns: 1, transfersOut: 0 }];
      },
    });
    services.provide('ledger.figures', { avoided: async () => ({ entriesAvoided: 40, answeredFromLedger: 5 }) });
    const f = await figuresWith(services);
    expect(calls[0].slice(1)).to.deep.equal([weekPeriod('2026-11-23').from, weekPeriod('2026-11-23').to]);
    const md = reportMarkdown(f, null, monitoringSettings(h.app.config, {}).minutesSaved);
    expect(md).to.contain('吹哨响应：民政科 接单3，报到3（按时2），办结2（按时1），退回1，满意率100%');
    expect(md).to.contain('台账免填：免于重复填报40项，由台账直接答复5次');
    expect(f.saved.items.at(-1)).to.deep.equal({ label: '台账已有、免于重复填报的数据项', count: 40, minutesEach: 3 });
    expect(f.saved.hours).to.equal(2);
    const chart = whistleOption(f) as { series: { data: number[] }[] };
    expect(chart.series.map((s) => s.data)).to.deep.equal([[67], [50], [100]]);
  });

  it('ignores a service whose figures have another shape instead of showing wrong numbers', async () => {
    const services = new Services();
    services.provide('whistle.figures', { byDepartment: async () => [{ dept: '民政科', tickets: 3 }] });
    expect((await figuresWith(services)).whistle).to.equal(null);
  });
});
