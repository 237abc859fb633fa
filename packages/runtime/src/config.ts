// Configuration from the environment: where data lives and which adapters run. Deployments differ
// only here (DESIGN.md section 5), never in code.
import { isAbsolute, join, resolve } from 'node:path';

export const DEFAULT_PORT = 8787;

export interface KushConfig {
  /** Data directory: SQLite files, run directories, exports. */
  readonly home: string;
  /** `postgres://...` for PostgreSQL; undefined for the embedded SQLite file under home. */
  readonly databaseUrl: string | undefined;
  /** `nats://...` for NATS JetStream; undefined for the embedded bus. */
  readonly busUrl: string | undefined;
  readonly port: number;
  readonly logLevel: string;
}

export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): KushConfig {
  const issues: ConfigIssue[] = [];
  const homeRaw = env['KUSH_HOME'] ?? '.kush';
  const home = isAbsolute(homeRaw) ? homeRaw : resolve(cwd, homeRaw);
  const databaseUrl = env['KUSH_DATABASE_URL'] || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    issues.push({
      path: 'KUSH_DATABASE_URL',
      message: 'KUSH_DATABASE_URL: must start with postgres:// (leave it unset for embedded SQLite)',
    });
  }
  const busUrl = env['KUSH_BUS_URL'] || undefined;
  if (busUrl && !/^nats:\/\//.test(busUrl)) {
    issues.push({ path: 'KUSH_BUS_URL', message: 'KUSH_BUS_URL: must start with nats:// (leave it unset for the embedded bus)' });
  }
  const portRaw = env['KUSH_PORT'];
  const port = portRaw === undefined || portRaw === '' ? DEFAULT_PORT : Number(portRaw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    issues.push({ path: 'KUSH_PORT', message: 'KUSH_PORT: must be an integer port number 0-65535' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { home, databaseUrl, busUrl, port, logLevel: env['KUSH_LOG_LEVEL'] ?? 'info' };
}

/** Path of the embedded SQLite database inside the data directory. */
export const embeddedDatabasePath = (config: KushConfig, name = 'kush.db'): string => join(config.home, name);
