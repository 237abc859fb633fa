// `kush bus ...`: publish envelopes to the event bus, watch it and count what it holds.
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  BUS_ERROR_TAXONOMY,
  BusError,
  READ_LIMIT_MAX,
  exportDay,
  openBus,
  verifyManifest,
  type BusEvent,
  type BusIssue,
  type EventBus,
} from '@kush/bus';
import type { Command } from 'commander';
import { CLI_VERSION } from '../program.js';
import { CliError, EXIT_FAILURE, usageError } from '../cli-error.js';
import { bad, good, heading, parseIntegerFlag, printJson, printLine, printTable, type JsonOption } from '../output.js';

/** Issues printed for a refused file; the JSON report and the counts are always complete up to the bus's own cap. */
const ISSUES_PRINTED_MAX = 50;
const WORKSPACE = /^[a-z0-9][a-z0-9-]{0,62}$/;

interface WorkspaceOption extends JsonOption {
  workspace: string;
}

function workspaceOf(raw: string): string {
  if (!WORKSPACE.test(raw)) throw usageError('--workspace', 'must be lower-case letters, digits and dashes (1-63)');
  return raw;
}

async function withBus<T>(work: (bus: EventBus) => Promise<T>): Promise<T> {
  const bus = await openBus().catch((error: unknown) => {
    if (error instanceof BusError) throw new CliError(error.message, EXIT_FAILURE, error.code, error.issues);
    throw error;
  });
  try {
    return await work(bus);
  } finally {
    await bus.close();
  }
}

async function readEnvelopes(file: string): Promise<{ envelopes: unknown[]; issues: BusIssue[]; lineOf: number[] }> {
  if (file !== '-') {
    await access(file).catch(() => {
      throw new CliError(`file: ${file} does not exist or cannot be read`, EXIT_FAILURE, 'FILE_NOT_FOUND');
    });
  }
  const input = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const envelopes: unknown[] = [];
  const lineOf: number[] = [];
  const issues: BusIssue[] = [];
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    try {
      envelopes.push(JSON.parse(text));
      lineOf.push(line);
    } catch (error) {
      issues.push({ path: `line ${line}`, rule: 'json', message: `line ${line}: not valid JSON (${(error as Error).message})` });
    }
  }
  return { envelopes, issues, lineOf };
}

function printEvent(event: BusEvent): void {
  printLine(
    `${String(event.sequence).padStart(8)}  ${event.envelope.created_at}  ${event.envelope.event_type}  ${event.envelope.event_id}`,
  );
}

export function registerBusCommands(program: Command): void {
  const bus = program
    .command('bus')
    .description('The event bus: publish envelopes (all or nothing, idempotent by replay_token), tail and count events');

  bus
    .command('publish')
    .description('Publish envelopes, one JSON object per line; any invalid line refuses the whole file (exit 1, nothing stored)')
    .argument('<file>', 'a JSONL file, or - for standard input')
    .option('-w, --workspace <id>', 'workspace the events belong to', 'default')
    .option('--json', 'print a JSON report')
    .action(async (file: string, options: WorkspaceOption) => {
      const workspace = workspaceOf(options.workspace);
      const { envelopes, issues, lineOf } = await readEnvelopes(file);
      let rejection: readonly BusIssue[] = issues;
      let result = { accepted: 0, duplicates: 0 };
      if (issues.length === 0) {
        await withBus(async (b) => {
          try {
            const published = await b.publish(envelopes, { workspace });
            result = { accepted: published.accepted, duplicates: published.duplicates };
          } catch (error) {
            if (!(error instanceof BusError) || error.code !== 'INVALID_ENVELOPE') throw error;
            // Name the file line, not only the batch index.
            rejection = error.issues.map((i) => {
              const index = Number(/^envelopes\[(\d+)\]/.exec(i.path)?.[1] ?? -1);
              const line = lineOf[index];
              return line === undefined ? i : { ...i, message: `line ${line}: ${i.message.replace(/^envelopes\[\d+\]: /, '')}` };
            });
          }
        });
      }
      const rejectedLines = new Set(rejection.map((i) => i.message.split(':')[0])).size;
      if (options.json) {
        printJson({ file, workspace, envelopes: envelopes.length, ...result, rejected: rejectedLines, issues: rejection });
      } else {
        for (const i of rejection.slice(0, ISSUES_PRINTED_MAX)) printLine(bad(i.message));
        const summary = `${result.accepted} accepted, ${result.duplicates} duplicate, ${rejectedLines} rejected`;
        printLine(rejection.length === 0 ? good(summary) : bad(`${summary}: nothing stored`));
      }
      if (rejection.length > 0) process.exitCode = EXIT_FAILURE;
    });

  bus
    .command('stats')
    .description('Count the events on the bus: total and per event type')
    .option('-w, --workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOption) => {
      const workspace = workspaceOf(options.workspace);
      const stats = await withBus((b) => b.stats({ workspace }));
      if (options.json) return printJson(stats);
      printLine(
        heading(`bus (${stats.adapter}), workspace ${stats.workspace}: ${stats.total} events, last sequence ${stats.last_sequence}`),
      );
      printTable(Object.entries(stats.by_type));
    });

  bus
    .command('tail')
    .description('Print events in sequence order, optionally filtered by a subject pattern; --follow keeps watching')
    .option('-w, --workspace <id>', 'workspace', 'default')
    .option('--filter <pattern>', "subject filter over event types, e.g. 'civ.economy.*' or 'venture.task.>'")
    .option('--from <seq>', 'first sequence to print', '1')
    .option('--limit <n>', 'events printed at most (without --follow)', '100')
    .option('--follow', 'keep printing new events until interrupted')
    .option('--json', 'print one JSON object per event')
    .action(async (options: WorkspaceOption & { filter?: string; from: string; limit: string; follow?: boolean }) => {
      const workspace = workspaceOf(options.workspace);
      const fromSequence = parseIntegerFlag('--from', options.from, { min: 1 }) ?? 1;
      const limit = parseIntegerFlag('--limit', options.limit, { min: 1, max: READ_LIMIT_MAX }) ?? 100;
      const show = (e: BusEvent): void => (options.json ? printJson(e) : printEvent(e));
      await withBus(async (b) => {
        try {
          if (!options.follow) {
            for (const e of await b.read({ workspace, fromSequence, limit, ...(options.filter ? { filter: options.filter } : {}) }))
              show(e);
            return;
          }
          const sub = await b.subscribe({ workspace, fromSequence, filter: options.filter ?? '>' }, async (d) => {
            show(d.event);
            await d.ack();
          });
          await new Promise<void>((resolve) => process.once('SIGINT', resolve));
          await sub.stop();
        } catch (error) {
          if (error instanceof BusError) throw new CliError(error.message, EXIT_FAILURE, error.code, error.issues);
          throw error;
        }
      });
    });

  bus
    .command('export')
    .description(
      `Write a day's events (by created_at, UTC) as JSONL plus a manifest (SHA-256 per file) and a run record in DIR/run_records; error codes: ${Object.keys(BUS_ERROR_TAXONOMY).join(', ')}`,
    )
    .requiredOption('--day <YYYY-MM-DD>', 'the day to export')
    .requiredOption('--out <dir>', 'output directory')
    .option('-w, --workspace <id>', 'workspace', 'default')
    .option('--json', 'print the run record as JSON')
    .action(async (options: WorkspaceOption & { day: string; out: string }) => {
      const workspace = workspaceOf(options.workspace);
      const result = await withBus((b) => exportDay(b, { day: options.day, outDir: options.out, workspace, codeVersion: CLI_VERSION }));
      if (options.json) printJson({ ...result.record, record_path: result.recordPath, manifest_path: result.manifestPath ?? null });
      else if (result.record.status === 'success')
        printLine(
          good(`${result.manifest!.counts.total} events exported; manifest ${result.manifestPath!}; run record ${result.recordPath}`),
        );
      else printLine(bad(`${result.record.error_code!}: ${result.record.error_message!} (run record ${result.recordPath})`));
      if (result.record.status !== 'success') process.exitCode = EXIT_FAILURE;
    });

  bus
    .command('verify')
    .description('Check the files listed in a bus manifest: existence, SHA-256 and line counts; exit 1 on any mismatch')
    .argument('<manifest>', 'a manifest written by kush bus export')
    .option('--json', 'print a JSON report')
    .action(async (manifest: string, options: JsonOption) => {
      const report = await verifyManifest(manifest);
      if (options.json) printJson(report);
      else {
        for (const i of report.issues) printLine(bad(`${i.code}: ${i.message}`));
        printLine(report.ok ? good(`${report.files} files match the manifest`) : bad(`${report.issues.length} problems`));
      }
      if (!report.ok) process.exitCode = EXIT_FAILURE;
    });
}
