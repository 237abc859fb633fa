// Exactly-once effects for a consumer on the embedded bus: its position and its effects commit in
// one SQLite transaction, so a crash either keeps both or neither, and a redelivered event whose
// sequence is at or below the stored position is skipped.
import type BetterSqlite3 from 'better-sqlite3';
import type { EmbeddedBus } from './embedded-bus.js';
import type { BusEvent } from './event-bus.js';

export interface ExactlyOnceConsumer {
  readonly bus: EmbeddedBus;
  readonly workspace: string;
  /** The durable consumer's name. */
  readonly name: string;
}

/** Runs `effect` and stores the consumer's position in one transaction; false when already applied. */
export function applyExactlyOnce(
  consumer: ExactlyOnceConsumer,
  event: BusEvent,
  effect: (sqlite: BetterSqlite3.Database) => void,
): boolean {
  const { bus } = consumer;
  return bus.sqlite.transaction(() => {
    if (event.sequence <= bus.consumerPosition(consumer.workspace, consumer.name)) return false;
    effect(bus.sqlite);
    bus.storeConsumerPosition(consumer.workspace, consumer.name, event.sequence);
    return true;
  })();
}
