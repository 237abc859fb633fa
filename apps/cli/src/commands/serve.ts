// `kush serve`: the HTTP API over the existing data directory, with the embedded (or NATS) bus
// attached so POST /events stores events.
import { openBus } from '@kush/bus';
import { migrateCompliance } from '@kush/compliance';
import { migrateServer, startServer } from '@kush/server';
import type { Command } from 'commander';
import { parseIntegerFlag, printJson, printLine, type JsonOption } from '../output.js';
import { cliConfig, openStorage } from '../storage.js';

export const SERVE_PORT_DEFAULT = 8787;
const PORT_MAX = 65535;

interface ServeOptions extends JsonOption {
  port?: string;
  host: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API (/api/v1, /docs, /healthz, /metrics) for the data directory')
    .option('--port <n>', `port (default: KUSH_PORT, else ${SERVE_PORT_DEFAULT}; 0 picks a free one)`)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--json', 'print the URL as JSON')
    .action(async (options: ServeOptions) => {
      const port =
        parseIntegerFlag('--port', options.port, { max: PORT_MAX }) ??
        parseIntegerFlag('KUSH_PORT', process.env.KUSH_PORT, { max: PORT_MAX }) ??
        SERVE_PORT_DEFAULT;
      const config = cliConfig();
      const database = await openStorage(config);
      await migrateServer(database);
      await migrateCompliance(database);
      const bus = await openBus(database.sqlite ? { url: config.busUrl, database } : { url: config.busUrl });
      const { app, url } = await startServer({
        database,
        port,
        host: options.host,
        publish: async (workspace, envelope) => {
          const result = await bus.publish([envelope], { workspace });
          return { stored: result.accepted > 0 };
        },
        queryEvents: async (workspace, type, limit) =>
          (await bus.read({ workspace, limit, ...(type ? { filter: type } : {}) })).map((e) => e.envelope),
      });
      if (options.json) printJson({ url });
      else printLine(`kush API listening on ${url} (docs at ${url}/docs)`);
      const stop = () => {
        void app.close().then(async () => {
          await bus.close();
          await database.close();
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
