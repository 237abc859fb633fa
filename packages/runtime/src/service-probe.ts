// Finds out whether a server answers at a URL's host and port, for choosing adapters and for
// integration tests that must run whenever their service is reachable.
import { connect } from 'node:net';

export const PROBE_TIMEOUT_MS = 1000;

export function probeTcp(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol.startsWith('postgres') ? 5432 : parsed.protocol === 'nats:' ? 4222 : 80;
  const port = parsed.port ? Number(parsed.port) : defaultPort;
  return new Promise((resolve) => {
    const socket = connect({ host: parsed.hostname || '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export type IntegrationService = 'postgres' | 'nats';

const DEFAULT_URLS: Record<IntegrationService, string> = {
  postgres: 'postgres://postgres@127.0.0.1:5432/test',
  nats: 'nats://127.0.0.1:4222',
};
// KUSH_TEST_DATABASE_URL, not KUSH_DATABASE_URL: the latter would switch every command to PostgreSQL.
const ENV_NAMES: Record<IntegrationService, string> = { postgres: 'KUSH_TEST_DATABASE_URL', nats: 'KUSH_NATS_URL' };

/**
 * The URL integration tests should use for a service, or undefined when it is not reachable
 * (tests then skip). With CI=true a missing service is an error, never a skip.
 */
export async function integrationTarget(service: IntegrationService, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const url = env[ENV_NAMES[service]] || DEFAULT_URLS[service];
  if (await probeTcp(url)) return url;
  if (env['CI'] === 'true') {
    throw new Error(
      `${service} is not reachable at ${url}, and CI=true makes integration tests mandatory: start it (see .ci/run) or set ${ENV_NAMES[service]}`,
    );
  }
  return undefined;
}
