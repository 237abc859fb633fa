// Child process for the NATS outbox crash test (built dist through '@kush/bus').
// Modes: produce <db> <n>   commits an order row + n outbox events in one transaction, then hangs
//        drain <db>         moves pending outbox rows to the NATS bus (the parent may SIGKILL it)
import { createEnvelope, deterministicUuid, exampleEnvelope } from '@kush/contracts';
import { openDatabase } from '@kush/runtime';
import { OutboxPublisher, enqueue, migrateOutbox, openNatsBus } from '@kush/bus';
import { sql } from 'kysely';

const [mode, path, count, url, prefix, runId] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);
const database = await openDatabase({ sqlitePath: path });
await migrateOutbox(database);

if (mode === 'produce') {
  const base = exampleEnvelope('civ.energy.generated.v1');
  const batch = Array.from({ length: Number(count) }, (_, i) =>
    createEnvelope({ ...base, event_id: deterministicUuid('nats-outbox-crash', runId, String(i)), replay_token: undefined }),
  );
  await sql`CREATE TABLE IF NOT EXISTS crash_orders (id INTEGER PRIMARY KEY)`.execute(database.db);
  await database.db.transaction().execute(async (trx) => {
    await sql`INSERT INTO crash_orders (id) VALUES (1)`.execute(trx);
    await enqueue(trx, 'crash', batch);
  });
  say('committed');
  await new Promise(() => {});
} else if (mode === 'drain') {
  const bus = await openNatsBus({ url, prefix });
  say('draining');
  const round = await new OutboxPublisher(database, bus).drain();
  say(`drained ${round.moved} accepted=${round.accepted} duplicates=${round.duplicates}`);
  await bus.close();
  await database.close();
}
