// Chooses the adapter: KUSH_BUS_URL=nats://... selects NATS JetStream, otherwise the embedded
// SQLite bus. Nothing else changes for the caller.
import { loadConfig, type Database } from '@kush/runtime';
import { BusError } from './bus-error.js';
import { openEmbeddedBus } from './embedded-bus.js';
import type { EventBus } from './event-bus.js';
import { openNatsBus } from './nats-bus.js';
import { openNatsWorkQueue } from './nats-work-queue.js';
import { openEmbeddedWorkQueue, type WorkQueue, type WorkQueueOptions } from './work-queue.js';

export interface OpenBusConfig {
  /** nats://... for NATS; undefined for embedded. Default: KUSH_BUS_URL. */
  readonly url?: string | undefined;
  readonly database?: Database<unknown>;
  /** NATS stream name prefix (default KUSH_BUS). */
  readonly natsPrefix?: string;
}

export async function openBus(config: OpenBusConfig = {}): Promise<EventBus> {
  const url = 'url' in config ? config.url : loadConfig().busUrl;
  if (url === undefined || url === '') return openEmbeddedBus(config.database ? { database: config.database } : {});
  if (!url.startsWith('nats://'))
    throw new BusError('INVALID_OPTION', [
      {
        path: 'KUSH_BUS_URL',
        rule: 'scheme',
        message: `KUSH_BUS_URL: must start with nats:// or be unset for the embedded bus (got ${url})`,
      },
    ]);
  return openNatsBus({ url, ...(config.natsPrefix ? { prefix: config.natsPrefix } : {}) });
}

export interface OpenWorkQueueConfig extends WorkQueueOptions {
  /** nats://... for NATS; undefined for embedded. Default: KUSH_BUS_URL. */
  readonly url?: string | undefined;
  readonly database?: Database<unknown>;
  readonly natsPrefix?: string;
}

/** A work queue on the configured adapter (KUSH_BUS_URL), like openBus. */
export async function openWorkQueue<T = unknown>(config: OpenWorkQueueConfig): Promise<WorkQueue<T>> {
  const url = 'url' in config ? config.url : loadConfig().busUrl;
  const { name, workspace, ackWaitMs } = config;
  const options = { name, ...(workspace ? { workspace } : {}), ...(ackWaitMs ? { ackWaitMs } : {}) };
  if (url === undefined || url === '')
    return openEmbeddedWorkQueue<T>({ ...options, ...(config.database ? { database: config.database } : {}) });
  if (!url.startsWith('nats://'))
    throw new BusError('INVALID_OPTION', [
      {
        path: 'KUSH_BUS_URL',
        rule: 'scheme',
        message: `KUSH_BUS_URL: must start with nats:// or be unset for the embedded bus (got ${url})`,
      },
    ]);
  return openNatsWorkQueue<T>({ ...options, url, ...(config.natsPrefix ? { prefix: config.natsPrefix } : {}) });
}
