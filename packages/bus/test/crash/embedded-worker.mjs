// A child process for the embedded crash tests (run from built dist through '@kush/bus').
// Modes: publish <db> <n>       one batch of n envelopes (the parent SIGKILLs it mid-transaction)
//        consume <db>           durable consumer applying each event once, never acking the first time
//        produce <db> <n>       producer commits rows + outbox events, then hangs (killed before publish)
//        drain <db>             outbox publisher moves pending rows to the bus
import { createEnvelope, deterministicUuid, exampleEnvelope } from '@kush/contracts';
import { openDatabase } from '@kush/runtime';
import { OutboxPublisher, applyExactlyOnce, enqueue, migrateOutbox, openEmbeddedBus } from '@kush/bus';
import { sql } from 'kysely';

const [mode, path, count] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);
const envelopes = (n, tag) => {
  const base = exampleEnvelope('civ.energy.generated.v1');
  return Array.from({ length: n }, (_, i) =>
    createEnvelope({ ...base, event_id: deterministicUuid('crash', tag, String(i)), replay_token: undefined }),
  );
};

const database = await openDatabase({ sqlitePath: path });
const bus = await openEmbeddedBus({ database });

if (mode === 'publish') {
  const batch = envelopes(Number(count), 'publish');
  say('publishing');
  await bus.publish(batch);
  say('published');
} else if (mode === 'consume') {
  bus.sqlite.exec('CREATE TABLE IF NOT EXISTS crash_effects (sequence INTEGER NOT NULL)');
  const consumer = { bus, workspace: 'default', name: 'crash-effects' };
  await bus.subscribe({ filter: '>', durable: 'crash', ackTimeoutMs: 60_000 }, async (d) => {
    const applied = applyExactlyOnce(consumer, d.event, (db) => db.prepare('INSERT INTO crash_effects VALUES (?)').run(d.event.sequence));
    say(`delivered ${d.event.sequence} applied=${applied}`);
    if (process.env.ACK === '1') await d.ack();
  });
} else if (mode === 'produce') {
  await migrateOutbox(database);
  await sql`CREATE TABLE IF NOT EXISTS crash_orders (id INTEGER PRIMARY KEY)`.execute(database.db);
  await database.db.transaction().execute(async (trx) => {
    await sql`INSERT INTO crash_orders (id) VALUES (1)`.execute(trx);
    await enqueue(trx, 'default', envelopes(Number(count), 'outbox'));
  });
  say('committed');
  await new Promise(() => {});
} else if (mode === 'drain') {
  await migrateOutbox(database);
  const round = await new OutboxPublisher(database, bus).drain();
  say(`drained ${round.moved} accepted=${round.accepted} duplicates=${round.duplicates}`);
  await bus.close();
  await database.close();
}
