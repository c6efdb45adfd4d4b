/**
 * The official schedule bundled with the `chinese-days` package.
 *
 * We read its published data file instead of calling `isWorkday`/`getDayDetail`: those
 * functions mix UTC parsing with local-time formatting, so under a negative-offset zone
 * (TZ=America/New_York) they answer for the wrong day (2026-02-14 comes out as a rest day).
 * The data file is keyed by plain 'YYYY-MM-DD' strings and has no such problem.
 */
import data from 'chinese-days/dist/chinese-days.json';

type DayMap = Record<string, string>;

const holidays: DayMap = data.holidays;
const workdays: DayMap = data.workdays;

/** Values look like "National Day,国庆节,3"; the Chinese name is the second field. */
function chineseName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const parts = raw.split(',');
  return (parts[1] ?? parts[0]).trim() || undefined;
}

const years = [...Object.keys(holidays), ...Object.keys(workdays)].map((d) => Number(d.slice(0, 4)));
export const FIRST_YEAR = Math.min(...years);
export const LAST_YEAR = Math.max(...years);

export function bundledCovers(year: number): boolean {
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}

/** 'off' / 'work' when the bundled schedule says so explicitly, else undefined. */
export function bundledKind(date: string): 'off' | 'work' | undefined {
  if (date in workdays) return 'work';
  if (date in holidays) return 'off';
  return undefined;
}

export function bundledName(date: string): string | undefined {
  return chineseName(workdays[date] ?? holidays[date]);
}
