/**
 * Finding and masking personal data in free text: 18-digit resident ID numbers (GB 11643,
 * checked by their check digit so a long order number is left alone) and mainland mobile numbers.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** True when an 18-character string is a well-formed resident ID: region, real birth date, check digit. */
export function isIdNumber(s: string): boolean {
  if (!/^[1-9]\d{16}[\dXx]$/.test(s)) return false;
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11] === s[17].toUpperCase();
}

/** Mainland mobile: 11 digits starting 1[3-9], optionally +86/86 in front, optionally split 3-4-4. */
export function isMobileNumber(s: string): boolean {
  return /^1[3-9]\d{9}$/.test(s.replace(/^(\+?86)/, '').replace(/[\s-]/g, ''));
}

/** '110101199003071234' → '1101**********1234': region and last four kept, so people can still tell two apart. */
export function maskIdNumber(id: string): string {
  return id.length <= 8 ? '*'.repeat(id.length) : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

/** '13812345678' → '138****5678' (separators and a +86 prefix kept as written). */
export function maskMobile(phone: string): string {
  const m = /^(.*?)(1[3-9]\d)([\s-]?)(\d{4})([\s-]?)(\d{4})$/.exec(phone);
  return m ? `${m[1]}${m[2]}${m[3]}****${m[5]}${m[6]}` : phone;
}

// Digit runs not glued to other digits or Latin letters (an ID inside a longer code is not an ID).
const ID_IN_TEXT = /(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])/g;
const MOBILE_IN_TEXT = /(?<![0-9A-Za-z+])(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?![0-9A-Za-z])/g;

export interface PersonalDataFound {
  idNumbers: string[];
  mobiles: string[];
}

export function findPersonalData(text: string): PersonalDataFound {
  return {
    idNumbers: (text.match(ID_IN_TEXT) ?? []).filter(isIdNumber),
    mobiles: text.match(MOBILE_IN_TEXT) ?? [],
  };
}

/** The text with every ID number and mobile number masked; everything else unchanged. */
export function maskPersonalData(text: string): string {
  return text
    .replace(ID_IN_TEXT, (s) => (isIdNumber(s) ? maskIdNumber(s) : s))
    .replace(MOBILE_IN_TEXT, (s) => maskMobile(s));
}

/** Masks every string inside a JSON-like value (stored payloads and message bodies). */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskPersonalData(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)])) as T;
  }
  return value;
}
