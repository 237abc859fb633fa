// Child process for the crash test: a durable NATS consumer that applies each event to a SQLite
// file with its offset in the same transaction (exactly-once apply). In 'crash' mode it applies the
// first event and then waits without acknowledging, so the parent can SIGKILL it before the ack.
import Database from 'better-sqlite3';
import { openNatsBus } from '@kush/bus';

const [url, prefix, dbPath, mode] = process.argv.slice(2);
const db = new Database(dbPath);
db.exec('CREATE TABLE IF NOT EXISTS applied (replay_token TEXT NOT NULL)');
db.exec('CREATE TABLE IF NOT EXISTS offset_of (id INTEGER PRIMARY KEY CHECK (id = 1), sequence INTEGER NOT NULL)');
db.exec('INSERT OR IGNORE INTO offset_of VALUES (1, 0)');
const apply = db.transaction((event) => {
  const offset = db.prepare('SELECT sequence FROM offset_of').pluck().get();
  if (event.sequence <= offset) return false;
  db.prepare('INSERT INTO applied VALUES (?)').run(event.envelope.replay_token);
  db.prepare('UPDATE offset_of SET sequence = ?').run(event.sequence);
  return true;
});
const bus = await openNatsBus({ url, prefix, recover: false });
await bus.subscribe({ filter: '>', workspace: 'crash', durable: 'applier', ackTimeoutMs: 500 }, async (d) => {
  const applied = apply(d.event);
  process.stdout.write(`delivery ${d.event.sequence} attempt ${d.attempt} applied ${applied}\n`);
  if (mode === 'crash') return; // no ack: the parent kills us now
  await d.ack();
  process.stdout.write('acked\n');
});
