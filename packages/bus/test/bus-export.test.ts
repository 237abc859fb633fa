import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnvelope, deterministicUuid, exampleEnvelope } from '@kush/contracts';
import { openDatabase } from '@kush/runtime';
import { describe, expect, it } from 'vitest';
import { exportDay, openEmbeddedBus, verifyManifest } from '@kush/bus';

describe('bus export and verify', () => {
  it('round-trips a day of events, detects tampering, and records failures with a taxonomy code', async () => {
    const database = await openDatabase<unknown>({ sqlitePath: ':memory:' });
    const bus = await openEmbeddedBus({ database });
    const out = await mkdtemp(join(tmpdir(), 'bus-export-'));
    try {
      const base = exampleEnvelope('civ.energy.generated.v1')!;
      const envelopes = ['2026-02-21T01:00:00.000Z', '2026-02-21T23:00:00.000Z', '2026-02-22T00:00:00.000Z'].map((created_at, i) =>
        createEnvelope({
          ...base,
          created_at,
          event_id: deterministicUuid('export-test', String(i)),
          replay_token: undefined as unknown as string,
        }),
      );
      await bus.publish(envelopes);
      const result = await exportDay(bus, { day: '2026-02-21', outDir: out, codeVersion: 'test' });
      expect(result.record.status).toBe('success');
      expect(result.manifest!.counts.total).toBe(2);
      expect(result.manifest!.schema_versions).toContain('civ.energy.generated.v1');
      expect(await verifyManifest(result.manifestPath!)).toMatchObject({ ok: true, files: 1 });

      const dataPath = join(out, result.manifest!.files[0]!.path);
      await writeFile(dataPath, `${await readFile(dataPath, 'utf8')}{}\n`);
      const tampered = await verifyManifest(result.manifestPath!);
      expect(tampered.issues.map((i) => i.code).sort()).toEqual(['BUS_VERIFY_COUNT_MISMATCH', 'BUS_VERIFY_HASH_MISMATCH']);

      const failed = await exportDay(bus, { day: '2026-13-45x', outDir: out, codeVersion: 'test' });
      expect(failed.record).toMatchObject({ status: 'failure', error_code: 'BUS_EXPORT_INVALID_DAY', outputs: [] });
      expect(JSON.parse(await readFile(failed.recordPath, 'utf8'))).toMatchObject({ status: 'failure' });
    } finally {
      await bus.close();
      await database.close();
    }
  });
});
