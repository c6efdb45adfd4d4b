import ExcelJS from 'exceljs';
import type { Harness } from '../helpers/harness';

/** Valid 身份证号 (GB 11643 check digits computed by hand for these fixtures). */
export const IDS = ['11010519400101123X', '110105194203152348', '110105193807203455', '110105194511114562'];

export async function xlsxFile(headers: string[], rows: (string | number)[][], title?: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('表1');
  if (title) ws.addRow([title]);
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function readXlsx(data: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const out: string[][] = [];
  wb.worksheets[0].eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return out;
}

export function basisFor(h: Harness): string {
  return h.app.desk.env.admission.items.find((i) => /老年|养老|老人/.test(i.name + i.keywords.join()))!.id;
}

/** 民政科 sends a data request; returns its notice number. */
export async function postRequest(h: Harness, text: string, to = '人民社区、和平社区', who = 'lixia', chat = 'g-minzheng'): Promise<number> {
  const r = await h.say(who, chat, `/通知 ${to} ${text} 截止:11月27日17:30 依据:${basisFor(h)}`);
  const m = /第(\d+)号通知：已发送/.exec(r.join('\n'));
  if (!m) throw new Error(`not sent: ${r.join('\n')}`);
  return Number(m[1]);
}

export function linkIn(text: string): string {
  const m = /\/ledger\/export\/[0-9a-f]+/.exec(text);
  if (!m) throw new Error(`no link in: ${text}`);
  return m[0];
}
