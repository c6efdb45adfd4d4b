import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { Notice } from '../../entities';
import { parseLocal } from '../../src/calendar/time';
import { exportXlsx } from '../../src/monitoring/export';
import { weekPeriod } from '../../src/monitoring/period';
import type { MonitoringFigures } from '../../src/monitoring/unit';
import { Harness } from '../helpers/harness';

describe('monitoring: the xlsx export', function () {
  this.timeout(30_000);

  it('holds every notice of the period, and text that looks like a formula stays text', async () => {
    const h = await Harness.start();
    try {
      await h.say('lixia', 'g-minzheng', '/通知 全部社区 请于11月27日前报送辖区独居老人名单（姓名、住址） 依据:X11');
      const em = h.app.ds.manager;
      await em.save(em.create(Notice, {
        departmentId: null, senderId: 1, platform: 'sandbox', botId: 'sandbox', sourceChatId: 'x', sourceChatType: 'group',
        text: '=HYPERLINK("http://evil.example","点我")', targets: { all: true, communityIds: [] }, deadline: null, deadlineSource: '',
        proposedDeadline: null, basisItemId: '', emergencyCategory: '', emergencyReason: '', approved: false, status: 'held', deliverAt: null,
        createdAt: parseLocal('2026-11-24', '10:00'),
      }));
      const f = await h.app.services.get<MonitoringFigures>('monitoring.figures').figures(em, weekPeriod('2026-11-23'));
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await exportXlsx(f)) as unknown as ArrayBuffer);
      const rows = wb.getWorksheet('通知明细')!;
      expect(rows.rowCount - 1).to.equal(2);
      const texts = [2, 3].map((r) => rows.getRow(r).getCell(14).value);
      expect(texts[0]).to.contain('独居老人名单');
      expect(texts[1], 'stored as text, not as a formula').to.equal('\'=HYPERLINK("http://evil.example","点我")');
      expect(rows.getRow(2).getCell(7).value, 'fields asked for').to.equal(2);
      expect(wb.getWorksheet('汇总')!.getRow(3).values).to.deep.include.members(['收到通知', 2]);
    } finally {
      await h.stop();
    }
  });
});
