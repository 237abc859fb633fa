// String formats used by the schemas, registered once with TypeBox's compiler.
import { FormatRegistry } from '@sinclair/typebox';
import { DATE_TIME_PATTERN, UUID_PATTERN } from './primitives.js';

const uuidRegExp = new RegExp(UUID_PATTERN);
const dateTimeRegExp = new RegExp(DATE_TIME_PATTERN);

export const isUuid = (value: string): boolean => value.length === 36 && uuidRegExp.test(value);
/** ISO 8601 / RFC 3339 date-time with a zone; months 01-12, days 01-31. */
export const isDateTime = (value: string): boolean => dateTimeRegExp.test(value);

export function registerFormats(): void {
  if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', isUuid);
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);
}
registerFormats();
