import { exampleEnvelope } from '@kush/contracts';
import { migrateCompliance } from '@kush/compliance';
import { openDatabase, type Database } from '@kush/runtime';
import { createApiKey, createServer, migrateServer, type EventPublisher, type EventQuery, type ServerTables } from '@kush/server';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let database: Database<unknown>;
let app: FastifyInstance;
let keyA: string;
let keyB: string;
let auditorA: string;
const published: unknown[] = [];

beforeAll(async () => {
  database = await openDatabase({ sqlitePath: ':memory:' });
  await migrateServer(database);
  await migrateCompliance(database);
  const db = database.db as unknown as Kysely<ServerTables>;
  keyA = (await createApiKey(db, 'alpha', 'engineer')).key;
  keyB = (await createApiKey(db, 'beta', 'admin')).key;
  auditorA = (await createApiKey(db, 'alpha', 'auditor')).key;
  const publish: EventPublisher = async (_workspace, envelope) => {
    published.push(envelope);
    return { stored: true };
  };
  const queryEvents: EventQuery = async (_workspace, _type, limit) => published.slice(0, limit);
  app = await createServer({ database, publish, queryEvents, logger: false });
});

afterAll(async () => {
  await app.close();
  await database.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('server', () => {
  it('answers 401 without a key and with an unknown key', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/v1/workspaces/alpha/compliance/cases' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthenticated');
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/workspaces/alpha/compliance/cases', headers: bearer('kush_nope') });
    expect(unknown.statusCode).toBe(401);
  });

  it('answers 403 across workspaces and for a role that may not write', async () => {
    const other = await app.inject({ method: 'GET', url: '/api/v1/workspaces/beta/compliance/cases', headers: bearer(keyA) });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message).toContain('alpha');
    const own = await app.inject({ method: 'GET', url: '/api/v1/workspaces/alpha/compliance/cases', headers: bearer(keyA) });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({ cases: [] });
    const auditorWrite = await app.inject({
      method: 'POST',
      url: '/api/v1/workspaces/alpha/events',
      headers: bearer(auditorA),
      payload: {},
    });
    expect(auditorWrite.statusCode).toBe(403);
    const list = await app.inject({ method: 'GET', url: '/api/v1/workspaces', headers: bearer(keyB) });
    expect(list.json()).toEqual({ workspaces: ['beta'] });
  });

  it('rejects an invalid event naming each field path and rule, and stores nothing', async () => {
    const before = published.length;
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/workspaces/alpha/events',
      headers: bearer(keyA),
      payload: { event_id: 'not-a-uuid', event_type: 'nope' },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json() as { error: { code: string; issues: { path: string; rule: string }[] } };
    expect(body.error.code).toBe('invalid_event');
    expect(body.error.issues.length).toBeGreaterThan(0);
    for (const issue of body.error.issues) {
      expect(issue.path).toBeTypeOf('string');
      expect(issue.rule.length).toBeGreaterThan(0);
    }
    expect(published.length).toBe(before);
  });

  it('accepts a valid event', async () => {
    const envelope = exampleEnvelope('civ.citizen.born.v1');
    if (!envelope) throw new Error('no example for civ.citizen.born.v1');
    const response = await app.inject({ method: 'POST', url: '/api/v1/workspaces/alpha/events', headers: bearer(keyA), payload: envelope });
    expect(response.statusCode, response.body).toBe(202);
    expect(published.at(-1)).toMatchObject({ event_id: envelope.event_id });
  });

  it('queries events and answers 404 for an unknown case', async () => {
    const events = await app.inject({ method: 'GET', url: '/api/v1/workspaces/alpha/events?limit=5', headers: bearer(keyA) });
    expect(events.statusCode).toBe(200);
    expect((events.json() as { events: unknown[] }).events.length).toBe(Math.min(5, published.length));
    const badLimit = await app.inject({ method: 'GET', url: '/api/v1/workspaces/alpha/events?limit=0', headers: bearer(keyA) });
    expect(badLimit.statusCode).toBe(400);
    const missing = await app.inject({ method: 'GET', url: '/api/v1/workspaces/alpha/compliance/cases/none', headers: bearer(keyA) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });

  it('rejects a bad path parameter', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/workspaces/Bad_WS/compliance/cases', headers: bearer(keyA) });
    expect([400, 403]).toContain(response.statusCode);
  });

  it('serves healthz, metrics and docs', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('kush_http_requests_total');
    expect(metrics.body).toContain('route="/api/v1/workspaces/:workspace/compliance/cases"');
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toContain('/api/v1/workspaces/{workspace}/events');
    const html = await app.inject({ method: 'GET', url: '/docs' });
    expect(html.headers['content-type']).toContain('text/html');
  });
});
