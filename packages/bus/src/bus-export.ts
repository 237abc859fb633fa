// Bus artifacts (seed 004): a day's events as JSONL plus a manifest (producer, code version, schema
// versions, counts, SHA-256 per file), and a run record written on every export, success or
// failure, with an error code from BUS_ERROR_TAXONOMY. verifyManifest re-hashes the files.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { deterministicUuid } from '@kush/contracts';
import { READ_LIMIT_MAX, checkWorkspace, type EventBus } from './event-bus.js';

export const MANIFEST_SCHEMA_VERSION = 'bus_manifest.v1';
export const RUN_RECORD_SCHEMA_VERSION = 'run_record.v1';
export const BUS_PRODUCER = 'kush-bus';

/** Every error code an export or verify run can record, and what it means. */
export const BUS_ERROR_TAXONOMY = {
  BUS_EXPORT_INVALID_DAY: 'the --day value is not a calendar date YYYY-MM-DD',
  BUS_EXPORT_INVALID_WORKSPACE: 'the workspace id is not a slug',
  BUS_EXPORT_READ_FAILED: 'the bus could not be read',
  BUS_EXPORT_WRITE_FAILED: 'an output file could not be written',
  BUS_VERIFY_MANIFEST_INVALID: 'the manifest is missing, not JSON, or not a bus_manifest.v1',
  BUS_VERIFY_FILE_MISSING: 'a file listed in the manifest does not exist',
  BUS_VERIFY_HASH_MISMATCH: "a file's SHA-256 differs from the manifest",
  BUS_VERIFY_COUNT_MISMATCH: "a file's line count differs from the manifest",
} as const;
export type BusErrorTaxonomyCode = keyof typeof BUS_ERROR_TAXONOMY;

export interface ManifestFile {
  readonly path: string;
  readonly sha256: string;
  readonly lines: number;
  readonly bytes: number;
}

export interface BusManifest {
  readonly schema_version: typeof MANIFEST_SCHEMA_VERSION;
  readonly producer: string;
  readonly code_version: string;
  readonly workspace: string;
  readonly day: string;
  readonly schema_versions: readonly string[];
  readonly counts: { readonly total: number; readonly by_type: Readonly<Record<string, number>> };
  readonly files: readonly ManifestFile[];
}

export interface RunRecord {
  readonly schema_version: typeof RUN_RECORD_SCHEMA_VERSION;
  readonly run_id: string;
  readonly producer: string;
  readonly code_version: string;
  readonly status: 'success' | 'failure';
  readonly error_code: BusErrorTaxonomyCode | null;
  readonly error_message: string | null;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: readonly string[];
  readonly schema_versions: readonly string[];
}

export interface ExportOptions {
  readonly day: string;
  readonly outDir: string;
  readonly workspace?: string;
  readonly codeVersion: string;
}

export interface ExportResult {
  readonly record: RunRecord;
  readonly recordPath: string;
  readonly manifest?: BusManifest;
  readonly manifestPath?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const versionOf = (eventType: string): string => /\.(v\d+)$/.exec(eventType)?.[1] ?? 'v0';

class ExportFailure extends Error {
  constructor(
    readonly code: BusErrorTaxonomyCode,
    message: string,
  ) {
    super(message);
  }
}

/** Exports the events created on `day` (UTC, by envelope created_at); always writes a run record. */
export async function exportDay(bus: EventBus, options: ExportOptions): Promise<ExportResult> {
  const inputs = { day: options.day, workspace: options.workspace ?? 'default', bus: 'event_bus' };
  const runId = deterministicUuid('bus-export', inputs.workspace, options.day, options.codeVersion);
  const recordDir = join(options.outDir, 'run_records');
  const recordPath = join(recordDir, `${runId}.json`);
  const writeRecord = async (record: RunRecord): Promise<ExportResult> => {
    await mkdir(recordDir, { recursive: true });
    await writeFile(recordPath, `${JSON.stringify(record, null, 2)}\n`);
    return { record, recordPath };
  };
  const base = {
    schema_version: RUN_RECORD_SCHEMA_VERSION as typeof RUN_RECORD_SCHEMA_VERSION,
    run_id: runId,
    producer: BUS_PRODUCER,
    code_version: options.codeVersion,
    inputs,
  };
  try {
    if (!DAY.test(options.day) || Number.isNaN(Date.parse(`${options.day}T00:00:00Z`)))
      throw new ExportFailure('BUS_EXPORT_INVALID_DAY', `day: '${options.day}' must be YYYY-MM-DD`);
    let workspace: string;
    try {
      workspace = checkWorkspace(options.workspace);
    } catch (error) {
      throw new ExportFailure('BUS_EXPORT_INVALID_WORKSPACE', (error as Error).message);
    }
    const lines: string[] = [];
    const byType: Record<string, number> = {};
    try {
      for (let from = 1; ;) {
        const page = await bus.read({ workspace, fromSequence: from, limit: READ_LIMIT_MAX });
        for (const e of page) {
          if (!e.envelope.created_at.startsWith(options.day)) continue;
          lines.push(JSON.stringify(e.envelope));
          byType[e.envelope.event_type] = (byType[e.envelope.event_type] ?? 0) + 1;
        }
        if (page.length < READ_LIMIT_MAX) break;
        from = page[page.length - 1]!.sequence + 1;
      }
    } catch (error) {
      throw new ExportFailure('BUS_EXPORT_READ_FAILED', `bus: ${(error as Error).message}`);
    }
    const schemaVersions = [
      'event_envelope.v1',
      ...Object.keys(byType)
        .sort()
        .map((t) => `${t.replace(/\.v\d+$/, '')}.${versionOf(t)}`),
    ];
    const dataName = `events-${workspace}-${options.day}.jsonl`;
    const content = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    const manifest: BusManifest = {
      schema_version: MANIFEST_SCHEMA_VERSION,
      producer: BUS_PRODUCER,
      code_version: options.codeVersion,
      workspace,
      day: options.day,
      schema_versions: schemaVersions,
      counts: { total: lines.length, by_type: byType },
      files: [{ path: dataName, sha256: sha256(content), lines: lines.length, bytes: Buffer.byteLength(content) }],
    };
    const manifestPath = join(options.outDir, `manifest-${workspace}-${options.day}.json`);
    try {
      await mkdir(options.outDir, { recursive: true });
      await writeFile(join(options.outDir, dataName), content);
      await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    } catch (error) {
      throw new ExportFailure('BUS_EXPORT_WRITE_FAILED', `out: ${(error as Error).message}`);
    }
    const result = await writeRecord({
      ...base,
      status: 'success',
      error_code: null,
      error_message: null,
      outputs: [join(options.outDir, dataName), manifestPath],
      schema_versions: [MANIFEST_SCHEMA_VERSION, ...schemaVersions],
    });
    return { ...result, manifest, manifestPath };
  } catch (error) {
    if (!(error instanceof ExportFailure)) throw error;
    return writeRecord({
      ...base,
      status: 'failure',
      error_code: error.code,
      error_message: error.message,
      outputs: [],
      schema_versions: [],
    });
  }
}

export interface VerifyIssue {
  readonly code: BusErrorTaxonomyCode;
  readonly path: string;
  readonly message: string;
}

/** Checks every file listed in a manifest (paths relative to the manifest's directory). */
export async function verifyManifest(manifestPath: string): Promise<{ ok: boolean; files: number; issues: VerifyIssue[] }> {
  let manifest: BusManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as BusManifest;
    if (manifest.schema_version !== MANIFEST_SCHEMA_VERSION || !Array.isArray(manifest.files)) throw new Error('not a bus_manifest.v1');
  } catch (error) {
    const issue: VerifyIssue = {
      code: 'BUS_VERIFY_MANIFEST_INVALID',
      path: manifestPath,
      message: `manifest: ${(error as Error).message}`,
    };
    return { ok: false, files: 0, issues: [issue] };
  }
  const issues: VerifyIssue[] = [];
  for (const file of manifest.files) {
    const path = join(dirname(manifestPath), basename(file.path));
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch {
      issues.push({ code: 'BUS_VERIFY_FILE_MISSING', path: file.path, message: `${file.path}: missing` });
      continue;
    }
    if (sha256(data) !== file.sha256)
      issues.push({ code: 'BUS_VERIFY_HASH_MISMATCH', path: file.path, message: `${file.path}: sha256 differs from the manifest` });
    const lines =
      data.length === 0
        ? 0
        : data
            .toString('utf8')
            .split('\n')
            .filter((l) => l !== '').length;
    if (lines !== file.lines)
      issues.push({
        code: 'BUS_VERIFY_COUNT_MISMATCH',
        path: file.path,
        message: `${file.path}: ${lines} lines, manifest says ${file.lines}`,
      });
  }
  return { ok: issues.length === 0, files: manifest.files.length, issues };
}
