// Chooses the adapter: KUSH_BUS_URL=nats://... selects NATS JetStream (not built yet), otherwise
// the embedded SQLite bus.
import { loadConfig, type Database } from '@kush/runtime';
import { BusError } from './bus-error.js';
import { openEmbeddedBus } from './embedded-bus.js';
import type { EventBus } from './event-bus.js';

export interface OpenBusConfig {
  /** nats://... for NATS; undefined for embedded. Default: KUSH_BUS_URL. */
  readonly url?: string | undefined;
  readonly database?: Database<unknown>;
}

export async function openBus(config: OpenBusConfig = {}): Promise<EventBus> {
  const url = 'url' in config ? config.url : loadConfig().busUrl;
  if (url !== undefined)
    throw new BusError('INVALID_OPTION', [
      {
        path: 'KUSH_BUS_URL',
        rule: 'adapter',
        message: `KUSH_BUS_URL: the NATS adapter is not available yet (got ${url}); unset it for the embedded bus`,
      },
    ]);
  return openEmbeddedBus(config.database ? { database: config.database } : {});
}
