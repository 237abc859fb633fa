// The embedded bus's tables in the shared SQLite file (prefix bus_). The sequence is SQLite's
// rowid: one monotonically increasing order per installation, gaps never reused (AUTOINCREMENT).
import { sql, type Kysely, type Migration } from 'kysely';

export const busMigrations: Record<string, Migration> = {
  '001_bus_events': {
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE bus_events (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace TEXT NOT NULL,
        event_type TEXT NOT NULL,
        replay_token TEXT NOT NULL,
        published_at_ms INTEGER NOT NULL,
        envelope TEXT NOT NULL
      )`.execute(db);
      // Idempotency: a replay token is stored once per workspace.
      await sql`CREATE UNIQUE INDEX bus_events_replay ON bus_events (workspace, replay_token)`.execute(db);
      await sql`CREATE INDEX bus_events_workspace_seq ON bus_events (workspace, sequence)`.execute(db);
      await sql`CREATE TABLE bus_consumers (
        workspace TEXT NOT NULL,
        name TEXT NOT NULL,
        acked_sequence INTEGER NOT NULL DEFAULT 0,
        updated_at_ms INTEGER NOT NULL,
        PRIMARY KEY (workspace, name)
      )`.execute(db);
    },
  },
};
