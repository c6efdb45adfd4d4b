import { ROUNDED } from './table-file';
import type { FieldKind } from './vocabulary';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** GB 11643-1999: 17 digits, a valid birth date, and the ISO 7064 MOD 11-2 check character. */
export function checkIdCard(raw: string): { ok: true; value: string } | { ok: false; error: string } {
  const v = raw.normalize('NFKC').replace(/\s/g, '').toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) return { ok: false, error: '身份证号应为18位' };
  const y = Number(v.slice(6, 10));
  const m = Number(v.slice(10, 12));
  const d = Number(v.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return { ok: false, error: '身份证号中的出生日期无效' };
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(v[i]) * WEIGHTS[i];
  if (CHECK[sum % 11] !== v[17]) return { ok: false, error: '身份证号校验位不符' };
  return { ok: true, value: v };
}

/** Mainland mobile numbers, or landlines with an area code (0571-8765 4321). */
export function checkPhone(raw: string): { ok: true; value: string } | { ok: false; error: string } {
  const v = raw.normalize('NFKC').replace(/[\s-]/g, '');
  if (/^1[3-9]\d{9}$/.test(v)) return { ok: true, value: v };
  if (/^0\d{2,3}\d{7,8}$/.test(v)) return { ok: true, value: v };
  if (/^\d{7,8}$/.test(v)) return { ok: true, value: v };
  return { ok: false, error: '电话号码格式不对' };
}

/** 2026-11-05, 2026/11/5, 2026年11月5日, 20261105 and spreadsheet dates → 2026-11-05; 2026年11月 → 2026-11. */
export function checkDate(raw: string | Date): { ok: true; value: string } | { ok: false; error: string } {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return { ok: false, error: '日期无效' };
    // Spreadsheets store a date as midnight UTC of that day.
    return { ok: true, value: raw.toISOString().slice(0, 10) };
  }
  const v = raw.normalize('NFKC').trim();
  const m = /^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$/.exec(v) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return { ok: false, error: '日期格式不对（如 2026-11-05）' };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12 || y < 1900 || y > 2200) return { ok: false, error: '日期无效' };
  if (m[3] === undefined) return { ok: true, value: `${y}-${String(mo).padStart(2, '0')}` };
  const d = Number(m[3]);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCDate() !== d) return { ok: false, error: '日期无效' };
  return { ok: true, value: `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

export function checkNumber(raw: string): { ok: true; value: string } | { ok: false; error: string } {
  const v = raw.normalize('NFKC').replace(/[,\s]/g, '').replace(/(人|户|个|台|元|岁|层|次|剂|平方米|㎡)$/, '');
  return /^-?\d+(\.\d+)?$/.test(v) ? { ok: true, value: v } : { ok: false, error: '应为数字' };
}

export function checkValue(kind: FieldKind, raw: string | Date): { ok: true; value: string } | { ok: false; error: string } {
  if (raw === ROUNDED) return { ok: false, error: '长号码被存成了数字、末几位已丢失，请把该列设为文本后重填' };
  if (raw instanceof Date) return kind === 'date' ? checkDate(raw) : { ok: true, value: raw.toISOString().slice(0, 10) };
  switch (kind) {
    case 'idcard': return checkIdCard(raw);
    case 'phone': return checkPhone(raw);
    case 'date': return checkDate(raw);
    case 'number': return checkNumber(raw);
    case 'text': return { ok: true, value: raw.trim() };
  }
}
