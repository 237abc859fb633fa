// Envelopes (with payloads) validated per second over a mix of all 75 types: the contracts'
// compiled TypeBox validators, Ajv on the generated JSON Schema files, and zod v4 with
// equivalent schemas, in one run on the same envelopes.
//   npm run build && node bench/contracts/validate.mjs [--seconds 2] [--json]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { EVENT_TYPES, defaultRegistry, deterministicUuid, exampleEnvelope, isDateTime, isUuid } from '@kush/contracts';

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] ?? 2) || 2;
const json = args.includes('--json');
const ENVELOPES = 7500;

// The same mix for every validator: each type 100 times, each copy with its own ids.
const envelopes = [];
for (let i = 0; i < ENVELOPES; i++) {
  const type = EVENT_TYPES[i % EVENT_TYPES.length];
  const e = exampleEnvelope(type);
  e.event_id = deterministicUuid('bench', i);
  e.replay_token = `civ:${e.event_id}:${e.created_at}`;
  envelopes.push(e);
}

function measure(name, validate) {
  for (const e of envelopes) if (!validate(e)) throw new Error(`${name} rejected a valid ${e.event_type}`);
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    for (let i = 0; i < envelopes.length; i++) if (!validate(envelopes[i])) throw new Error('rejected');
    n += envelopes.length;
    now = process.hrtime.bigint();
  }
  return { name, envelopes_per_s: Math.round(n / (Number(now - start) / 1e9)) };
}

// --- TypeBox (what Kush runs)
const typebox = (e) => defaultRegistry.validateEnvelope(e).ok;

// --- Ajv on the checked-in JSON Schema files
const schemasDir = join(import.meta.dirname, '../../schemas');
const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats.default(ajv);
ajv.addFormat('uuid', { type: 'string', validate: isUuid });
ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
const ajvEnvelope = ajv.compile(JSON.parse(readFileSync(join(schemasDir, 'EventEnvelopeV1.schema.json'), 'utf8')));
const ajvPayloads = new Map(
  EVENT_TYPES.map((t) => [t, ajv.compile(JSON.parse(readFileSync(join(schemasDir, 'events', `${t}.schema.json`), 'utf8')))]),
);
const ajvValidate = (e) => ajvEnvelope(e) && ajvPayloads.get(e.event_type)(e.payload);

// --- zod v4 with equivalent schemas, converted from the same JSON Schemas
function toZod(s) {
  if (Array.isArray(s.enum)) return z.enum(s.enum);
  switch (s.type) {
    case 'object': {
      if (s.properties) {
        const shape = {};
        const required = new Set(s.required ?? []);
        for (const [k, v] of Object.entries(s.properties)) shape[k] = required.has(k) ? toZod(v) : toZod(v).optional();
        return s.additionalProperties === false ? z.strictObject(shape) : z.object(shape);
      }
      return z.record(z.string(), s.patternProperties ? toZod(Object.values(s.patternProperties)[0]) : z.unknown());
    }
    case 'array': {
      let a = z.array(toZod(s.items));
      if (s.minItems !== undefined) a = a.min(s.minItems);
      if (s.maxItems !== undefined) a = a.max(s.maxItems);
      return a;
    }
    case 'string': {
      let x = z.string();
      if (s.format === 'uuid') x = x.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      if (s.format === 'date-time') x = x.refine(isDateTime);
      if (s.pattern) x = x.regex(new RegExp(s.pattern));
      if (s.minLength !== undefined) x = x.min(s.minLength);
      if (s.maxLength !== undefined) x = x.max(s.maxLength);
      return x;
    }
    case 'integer':
    case 'number': {
      let x = s.type === 'integer' ? z.number().int() : z.number();
      if (s.minimum !== undefined) x = x.gte(s.minimum);
      if (s.maximum !== undefined) x = x.lte(s.maximum);
      return x;
    }
    case 'boolean':
      return z.boolean();
    case 'null':
      return z.null();
    default:
      if (s.anyOf) return z.union(s.anyOf.map(toZod));
      return z.unknown();
  }
}
const zodEnvelope = toZod(JSON.parse(readFileSync(join(schemasDir, 'EventEnvelopeV1.schema.json'), 'utf8')));
const zodPayloads = new Map(
  EVENT_TYPES.map((t) => [t, toZod(JSON.parse(readFileSync(join(schemasDir, 'events', `${t}.schema.json`), 'utf8')))]),
);
const zodValidate = (e) => zodEnvelope.safeParse(e).success && zodPayloads.get(e.event_type).safeParse(e.payload).success;

// Each validator must also refuse what the others refuse.
const broken = { ...envelopes[5], payload: { ...envelopes[5].payload, clearing_efficiency: 2 } };
for (const [name, v] of [
  ['typebox', typebox],
  ['ajv', ajvValidate],
  ['zod', zodValidate],
]) {
  if (v(broken)) throw new Error(`${name} accepted an invalid envelope`);
}

const results = [measure('typebox (kush)', typebox), measure('ajv 8', ajvValidate), measure('zod 4', zodValidate)];
const [tb, aj, zd] = results.map((r) => r.envelopes_per_s);
const summary = {
  envelopes: ENVELOPES,
  types: EVENT_TYPES.length,
  seconds_per_validator: seconds,
  results,
  ratio_typebox_to_zod: +(tb / zd).toFixed(1),
  ratio_typebox_to_ajv: +(tb / aj).toFixed(2),
};
if (json) {
  console.log(JSON.stringify(summary));
} else {
  console.log(`Envelope + payload validation, mix of ${EVENT_TYPES.length} types, ${seconds}s each`);
  for (const r of results) console.log(`  ${r.name.padEnd(16)} ${r.envelopes_per_s.toLocaleString('en-US').padStart(12)} envelopes/s`);
  console.log(`  typebox / zod   ${summary.ratio_typebox_to_zod}x`);
  console.log(`  typebox / ajv   ${summary.ratio_typebox_to_ajv}x`);
}
