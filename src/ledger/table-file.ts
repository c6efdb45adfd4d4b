import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';

export type Cell = string | Date;

export interface Table {
  headers: string[];
  rows: Cell[][];
  /** Spreadsheet row numbers of `rows`, for error lists people can find in their file. */
  lineNumbers: number[];
}

export class TableError extends Error {}

const MAX_ROWS = 20_000;

/** Stands for a long number a spreadsheet stored as a number and so rounded (身份证号 typed into a number cell). */
export const ROUNDED = '\u0000rounded';

function cellText(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && !Number.isSafeInteger(v) && Math.abs(v) >= 1e15) return ROUNDED;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return v.result instanceof Date ? v.result : String(v.result ?? '');
    if ('error' in v) return '';
  }
  return String(v);
}

/** The header row is the first row with at least two non-empty cells; titles above it are skipped. */
function fromSheet(ws: ExcelJS.Worksheet): Table {
  const all: { n: number; cells: Cell[] }[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: Cell[] = [];
    for (let c = 1; c <= ws.columnCount; c++) cells.push(cellText(row.getCell(c).value));
    all.push({ n, cells });
  });
  const headerAt = all.findIndex((r) => r.cells.filter((c) => String(c).trim()).length >= 2);
  if (headerAt < 0) throw new TableError('表格是空的，或没有表头');
  const headers = all[headerAt].cells.map((c) => String(c).trim());
  const body = all.slice(headerAt + 1).filter((r) => r.cells.some((c) => String(c).trim()));
  if (body.length > MAX_ROWS) throw new TableError(`表格超过 ${MAX_ROWS} 行，请分批提交`);
  return { headers, rows: body.map((r) => r.cells), lineNumbers: body.map((r) => r.n) };
}

/** Reads the first worksheet of an xlsx file, or a csv (UTF-8, with or without BOM). */
export async function readTableFile(name: string, data: Buffer): Promise<Table> {
  const wb = new ExcelJS.Workbook();
  const lower = name.toLowerCase();
  try {
    if (lower.endsWith('.xlsx')) {
      await wb.xlsx.load(data as unknown as ArrayBuffer);
    } else if (lower.endsWith('.csv')) {
      const text = data.toString('utf8').replace(/^\uFEFF/, '');
      // Every cell as the text it is: read as numbers, 18-digit 身份证号 would be rounded.
      await wb.csv.read(Readable.from([text]), { map: (v: unknown) => v, parserOptions: { delimiter: text.includes('\t') && !text.includes(',') ? '\t' : ',' } });
    } else {
      throw new TableError('只支持 xlsx 或 csv 文件（旧版 xls 请另存为 xlsx）');
    }
  } catch (err) {
    if (err instanceof TableError) throw err;
    throw new TableError(`文件读不出来：${lower.endsWith('.csv') ? 'CSV 格式有误' : '不是有效的 xlsx 文件'}`);
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new TableError('文件里没有工作表');
  return fromSheet(ws);
}

/** A small table typed into chat: one row a line, cells split by tabs, commas or spaces; the first line is the header. */
export function readTextTable(text: string): Table {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const split = (l: string) => l.split(/\t|[,，]|\s{1,}/).map((c) => c.trim());
  if (lines.length < 2) throw new TableError('表格至少要有表头和一行数据');
  const headers = split(lines[0]);
  return { headers, rows: lines.slice(1).map(split), lineNumbers: lines.slice(1).map((_, i) => i + 2) };
}

/** An xlsx workbook with one sheet: bold header, then the rows. */
export async function writeXlsx(sheetName: string, headers: string[], rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName.slice(0, 31) || 'Sheet1');
  ws.addRow(headers).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.columns.forEach((c) => { c.width = 16; });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
