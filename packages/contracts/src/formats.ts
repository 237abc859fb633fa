// String formats used by the schemas, registered once with TypeBox's compiler. Validation is on
// every hot path (bus publish, relay): the date-time check is a character scan, which measured
// faster than the equivalent RegExp; the UUID check stays a RegExp, which measured faster than a scan.
import { FormatRegistry } from '@sinclair/typebox';

const DASH = 45; // '-'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A UUID (RFC 9562) in canonical lower-case form, versions 1-8, RFC variant. (V8's regexp beats a char loop here: measured.) */
export const isUuid = (value: string): boolean => value.length === 36 && UUID.test(value);

const digit = (value: string, i: number): number => {
  const d = value.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
};
const twoDigits = (value: string, i: number): number => {
  const a = digit(value, i);
  const b = digit(value, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
};

/**
 * ISO 8601 / RFC 3339 date-time with a mandatory zone: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm),
 * months 01-12, days 01-31, hours 00-23, minutes and seconds 00-59, up to 9 fraction digits.
 */
export function isDateTime(value: string): boolean {
  const n = value.length;
  if (n < 20 || n > 35) return false;
  if (digit(value, 0) < 0 || digit(value, 1) < 0 || digit(value, 2) < 0 || digit(value, 3) < 0) return false;
  if (value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH || value.charCodeAt(10) !== 84 /* T */) return false;
  if (value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return false; // ':'
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  const second = twoDigits(value, 17);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
    return false;
  let i = 19;
  if (value.charCodeAt(i) === 46 /* . */) {
    const start = ++i;
    while (i < n && digit(value, i) >= 0) i++;
    if (i === start || i - start > 9) return false;
  }
  const zone = value.charCodeAt(i);
  if (zone === 90 /* Z */) return i + 1 === n;
  if (zone !== 43 && zone !== DASH) return false; // '+' or '-'
  if (i + 6 !== n || value.charCodeAt(i + 3) !== 58) return false;
  const zh = twoDigits(value, i + 1);
  const zm = twoDigits(value, i + 4);
  return zh >= 0 && zh <= 23 && zm >= 0 && zm <= 59;
}

export function registerFormats(): void {
  if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', isUuid);
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);
}
registerFormats();
