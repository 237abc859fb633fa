// The relay's transactional outbox: the events a tick derives are written in the same transaction
// as the tick's effects, then moved to the event log after commit. A crash in between leaves them
// in the outbox, and the next start moves them; the log drops an event id it already holds.
import type { EventEnvelopeV1 } from '@kush/contracts';
import type { Kysely } from 'kysely';
import type { SharedTransaction } from './ports.js';

/** Outbox rows written per INSERT. */
const OUTBOX_INSERT_ROWS_MAX = 500;

export async function enqueueOutbox(trx: SharedTransaction, workspace: string, events: readonly EventEnvelopeV1[]): Promise<void> {
  if (events.length === 0) return;
  const last = await trx
    .selectFrom('relay_outbox')
    .select(trx.fn.max('seq').as('seq'))
    .where('workspace_id', '=', workspace)
    .executeTakeFirst();
  let seq = Number(last?.seq ?? 0);
  for (let i = 0; i < events.length; i += OUTBOX_INSERT_ROWS_MAX) {
    await trx
      .insertInto('relay_outbox')
      .values(
        events.slice(i, i + OUTBOX_INSERT_ROWS_MAX).map((e) => ({ workspace_id: workspace, seq: ++seq, envelope: JSON.stringify(e) })),
      )
      .execute();
  }
}

/** Hands every pending outbox event to `publish`, then removes what was published. */
export async function drainOutbox(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers pass their own table map, which includes the relay tables
  db: Kysely<any>,
  workspace: string,
  publish: (events: EventEnvelopeV1[]) => Promise<void>,
): Promise<number> {
  const rows = await db.selectFrom('relay_outbox').selectAll().where('workspace_id', '=', workspace).orderBy('seq').execute();
  if (rows.length === 0) return 0;
  await publish(rows.map((r) => JSON.parse(r.envelope) as EventEnvelopeV1));
  await db
    .deleteFrom('relay_outbox')
    .where('workspace_id', '=', workspace)
    .where('seq', '<=', rows[rows.length - 1]!.seq)
    .execute();
  return rows.length;
}
