// `kush schemas list|show|example`: the event contracts, for people and for scripts.
import { defaultRegistry, exampleEnvelope, jsonSchemaFiles } from '@kush/contracts';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { dim, heading, printJson, printLine, type JsonOption } from '../output.js';

function entryOrFail(eventType: string) {
  const entry = defaultRegistry.get(eventType);
  if (!entry)
    throw new CliError(`event_type: ${eventType} is not a registered event type; see \`kush schemas list\``, 1, 'UNKNOWN_EVENT_TYPE');
  return entry;
}

export function registerSchemaCommands(program: Command): void {
  const schemas = program.command('schemas').description('The event contracts: the 75 event types of the taxonomy and their JSON Schemas');

  schemas
    .command('list')
    .description('List every event type with its schema version and deprecation')
    .option('--json', 'print a JSON array')
    .action((options: JsonOption) => {
      const entries = defaultRegistry.list().map((e) => ({
        event_type: e.event_type,
        schema_version: e.schema_version,
        deprecated: e.deprecated,
        ...(e.deprecation ? { replaced_by: e.deprecation.replaced_by } : {}),
        references: e.references,
      }));
      if (options.json) return printJson(entries);
      const civ = entries.filter((e) => e.event_type.startsWith('civ.')).length;
      printLine(heading(`${entries.length} event types (${civ} civ, ${entries.length - civ} venture)`));
      for (const e of entries)
        printLine(`  ${e.event_type.padEnd(48)} ${e.schema_version}${e.deprecated ? `  deprecated -> ${e.replaced_by}` : ''}`);
      printLine(dim('Relayed CIV events are also accepted as venture.civ.<resource>.<action>.v1 with the same payload.'));
    });

  schemas
    .command('show')
    .description('Print the JSON Schema of an event type payload (or EventEnvelopeV1 / TaskEnvelopeV1)')
    .argument('<event_type>', 'e.g. civ.economy.market_cleared.v1, EventEnvelopeV1')
    .action((eventType: string) => {
      const files = jsonSchemaFiles();
      const file = files.get(`${eventType}.schema.json`) ?? files.get(`events/${eventType}.schema.json`);
      if (file) return void process.stdout.write(file);
      entryOrFail(eventType);
      // A relayed venture.civ.* type shares the CIV payload schema.
      const civ = files.get(`events/${eventType.replace(/^venture\./, '')}.schema.json`);
      if (civ) return void process.stdout.write(civ);
      throw new CliError(`event_type: no schema file for ${eventType}`, 1, 'UNKNOWN_EVENT_TYPE');
    });

  schemas
    .command('example')
    .description('Print one valid envelope of an event type, as JSON on one line')
    .argument('<event_type>', 'e.g. civ.economy.market_cleared.v1')
    .action((eventType: string) => {
      entryOrFail(eventType);
      printJson(exampleEnvelope(eventType));
    });
}
