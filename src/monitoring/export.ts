import ExcelJS from 'exceljs';
import { formatLocal } from '../calendar/time';
import { NOTICE_CLASSES } from './classify';
import type { Figures } from './figures';

const STATUS: Record<string, string> = {
  sent: '已发送', scheduled: '定时发送', held: '退回修改', pending_approval: '待审批', withdrawn: '已撤回', rejected: '已驳回',
};

/**
 * Spreadsheet-formula injection: a cell that starts with = + - @ would run in Excel, and notice
 * text is written by department staff.
 */
const safe = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

/** The rows behind a report, one sheet per table, for the supervision team's own analysis. */
export async function exportXlsx(f: Figures): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'jianfu';
  const summary = wb.addWorksheet('汇总');
  summary.columns = [{ header: '项目', key: 'k', width: 36 }, { header: '数值', key: 'v', width: 14 }];
  summary.addRows([
    { k: '期间', v: f.period.label }, { k: '收到通知', v: f.received }, { k: '通过', v: f.passed }, { k: '拦截（退回或送审）', v: f.held },
    { k: '待审批', v: f.pendingApproval }, { k: '驳回', v: f.rejected }, { k: '撤回', v: f.withdrawn },
    { k: '非工作时间顺延', v: f.queuedOffHours }, { k: '合并推送少发的消息', v: f.merged }, { k: '紧急通道', v: f.emergencies }, { k: '组织已取消的考核评比', v: f.cancelledActivities },
    ...f.heldByRule.map((r) => ({ k: `拦截规则：${r.rule}`, v: r.count })),
    ...f.saved.items.map((i) => ({ k: `${i.label}（每项${i.minutesEach}分钟）`, v: i.count })),
    { k: '估算节省工时（小时）', v: f.saved.hours },
  ]);
  const depts = wb.addWorksheet('部门');
  depts.columns = [
    { header: '部门', key: 'name', width: 18 }, { header: '负担分', key: 'score', width: 10 }, { header: '通知', key: 'notices', width: 8 },
    { header: '急件', key: 'urgent', width: 8 }, { header: '索要字段', key: 'fields', width: 10 }, { header: '非工作时间发文', key: 'offHours', width: 14 },
    { header: '被拦截', key: 'held', width: 8 }, { header: '组织已取消评比', key: 'cancelledActivities', width: 14 },
    ...NOTICE_CLASSES.map((c) => ({ header: c, key: c, width: 12 })),
  ];
  for (const d of f.departments) depts.addRow({ ...d, name: safe(d.name), ...d.classes });
  const comms = wb.addWorksheet('社区');
  comms.columns = [
    { header: '社区', key: 'name', width: 14 }, { header: '收到通知', key: 'received', width: 10 },
    ...NOTICE_CLASSES.map((c) => ({ header: c, key: c, width: 12 })),
    { header: '工作群', key: 'groups', width: 8 }, { header: '政务APP', key: 'apps', width: 10 }, { header: '本期新增', key: 'added', width: 40 },
  ];
  for (const c of f.communities) {
    comms.addRow({ name: safe(c.name), received: c.received, ...c.classes, groups: c.channels.groups, apps: c.channels.apps,
      added: safe(c.channels.added.map((a) => `${a.department}：${a.name}`).join('；')) });
  }
  const rows = wb.addWorksheet('通知明细');
  rows.columns = [
    { header: '编号', key: 'id', width: 8 }, { header: '时间', key: 'at', width: 22 }, { header: '部门', key: 'department', width: 14 },
    { header: '类别', key: 'cls', width: 14 }, { header: '状态', key: 'status', width: 10 }, { header: '社区数', key: 'communities', width: 8 },
    { header: '字段', key: 'fields', width: 6 }, { header: '急件', key: 'urgent', width: 6 }, { header: '非工作时间', key: 'offHours', width: 10 },
    { header: '拦截规则', key: 'heldBy', width: 24 }, { header: '顺延', key: 'queued', width: 6 }, { header: '紧急', key: 'emergency', width: 6 },
    { header: '已取消评比', key: 'cancelledActivity', width: 16 }, { header: '正文', key: 'text', width: 60 },
  ];
  const yes = (b: boolean) => (b ? '是' : '');
  for (const r of f.rows) {
    rows.addRow({
      id: r.id, at: formatLocal(r.createdAt), department: safe(r.department), cls: r.cls, status: STATUS[r.status] ?? r.status,
      communities: r.communities, fields: r.fields, urgent: yes(r.urgent), offHours: yes(r.offHours), heldBy: r.heldBy.join('、'),
      queued: yes(r.queued), emergency: yes(r.emergency), cancelledActivity: yes(r.cancelledActivity), text: safe(r.text),
    });
  }
  if (f.whistle) {
    const w = wb.addWorksheet('吹哨');
    w.columns = [
      { header: '部门', key: 'department', width: 18 }, { header: '接单', key: 'received', width: 8 }, { header: '报到', key: 'reported', width: 8 },
      { header: '按时报到', key: 'reportedOnTime', width: 10 }, { header: '办结', key: 'done', width: 8 }, { header: '按时办结', key: 'doneOnTime', width: 10 },
      { header: '退回', key: 'returns', width: 8 }, { header: '评价', key: 'rated', width: 8 }, { header: '满意', key: 'satisfied', width: 8 },
      { header: '基本满意', key: 'basicallySatisfied', width: 10 },
    ];
    for (const r of f.whistle) w.addRow({ ...r, department: safe(r.department) });
  }
  for (const ws of wb.worksheets) ws.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
