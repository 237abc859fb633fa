// The HTTP API. createServer returns a Fastify instance (not listening) so `kush run` and
// tests can embed it and drive it with inject(); startServer listens on a port.
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { getCase, listCases, listViolations, verifyAuditLog, type ComplianceTables } from '@kush/compliance';
import { validateEnvelope, WORKSPACE_ID_PATTERN, type EventEnvelopeV1 } from '@kush/contracts';
import type { Database } from '@kush/runtime';
import { Type, type Static } from '@sinclair/typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';
import { resolveApiKey, type ApiPrincipal, type ApiRole, type ServerTables } from './api-keys.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const RATE_LIMIT_REQUESTS_PER_MINUTE_DEFAULT = 6000;
export const LIST_LIMIT_MAX = 1000;

export type EventPublisher = (workspaceId: string, envelope: EventEnvelopeV1) => Promise<{ stored: boolean }>;
export type EventQuery = (workspaceId: string, type: string | undefined, limit: number) => Promise<readonly unknown[]>;
export type WorkspaceLister = () => Promise<readonly string[]>;

export interface CreateServerOptions {
  readonly database: Database<unknown>;
  /** Stores an accepted event (the bus); absent means POST /events answers 501. */
  readonly publish?: EventPublisher | undefined;
  readonly queryEvents?: EventQuery | undefined;
  /** The control plane's workspace list, when available. */
  readonly listWorkspaces?: WorkspaceLister | undefined;
  readonly rateLimitPerMinute?: number;
  readonly logger?: boolean;
}

const READ_ROLES: readonly ApiRole[] = ['analyst', 'architect', 'engineer', 'auditor', 'orchestrator', 'admin'];
const WRITE_ROLES: readonly ApiRole[] = ['engineer', 'orchestrator', 'admin'];

const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), issues: Type.Optional(Type.Array(Type.Unknown())) }),
});
const WorkspaceParams = Type.Object({ workspace: Type.String({ pattern: WORKSPACE_ID_PATTERN }) });
const CaseParams = Type.Object({
  workspace: Type.String({ pattern: WORKSPACE_ID_PATTERN }),
  caseId: Type.String({ minLength: 1, maxLength: 200 }),
});
const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIST_LIMIT_MAX })) });
const EventsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIST_LIMIT_MAX })),
  type: Type.Optional(Type.String({ maxLength: 200 })),
});
type WorkspaceParamsT = Static<typeof WorkspaceParams>;
type CaseParamsT = Static<typeof CaseParams>;
type ListQueryT = Static<typeof ListQuery>;
type EventsQueryT = Static<typeof EventsQuery>;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: ApiPrincipal;
  }
}

function errorBody(code: string, message: string, issues?: readonly unknown[]) {
  return { error: issues ? { code, message, issues } : { code, message } };
}

export async function createServer(options: CreateServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    logger: options.logger === false ? false : { level: process.env.KUSH_LOG_LEVEL ?? 'info' },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: true } },
  });
  const keys = options.database.db as unknown as import('kysely').Kysely<ServerTables>;
  const compliance = options.database.db as unknown as import('kysely').Kysely<ComplianceTables>;

  const metrics = new Registry();
  const requests = new Counter({
    name: 'kush_http_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'],
    registers: [metrics],
  });
  const latency = new Histogram({
    name: 'kush_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [metrics],
  });
  app.addHook('onResponse', async (request, reply) => {
    // Label by the route pattern, not the URL, so label cardinality stays bounded.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error: { statusCode?: number; validation?: unknown[]; code?: string; message: string }, _request, reply) => {
    if (error.validation) {
      const issues = (
        error.validation as { instancePath?: string; keyword?: string; message?: string; params?: { missingProperty?: string } }[]
      ).map((v) => ({
        path: (v.instancePath ?? '') + (v.params?.missingProperty ? `/${v.params.missingProperty}` : ''),
        rule: v.keyword ?? 'invalid',
        message: v.message ?? 'invalid',
      }));
      return reply.code(400).send(errorBody('invalid_request', error.message, issues));
    }
    const status = error.statusCode ?? 500;
    return reply.code(status).send(errorBody(error.code ?? (status >= 500 ? 'internal' : 'bad_request'), error.message));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url}`)));

  await app.register(rateLimit, { max: options.rateLimitPerMinute ?? RATE_LIMIT_REQUESTS_PER_MINUTE_DEFAULT, timeWindow: 60_000 });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Kush API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  async function authenticate(request: FastifyRequest, reply: FastifyReply, roles: readonly ApiRole[]): Promise<ApiPrincipal | undefined> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer (\S+)$/.exec(header) : null;
    if (!match?.[1]) {
      await reply.code(401).send(errorBody('unauthenticated', 'Authorization: Bearer <key> is required'));
      return undefined;
    }
    const principal = await resolveApiKey(keys, match[1]);
    if (!principal) {
      await reply.code(401).send(errorBody('unauthenticated', 'unknown API key'));
      return undefined;
    }
    const workspace = (request.params as { workspace?: string }).workspace;
    if (workspace !== undefined && workspace !== principal.workspace_id) {
      await reply.code(403).send(errorBody('forbidden', `key is scoped to workspace ${principal.workspace_id}, not ${workspace}`));
      return undefined;
    }
    if (!roles.includes(principal.role)) {
      await reply.code(403).send(errorBody('forbidden', `role ${principal.role} may not do this; allowed: ${roles.join(', ')}`));
      return undefined;
    }
    request.principal = principal;
    return principal;
  }
  const guard = (roles: readonly ApiRole[]) => async (request: FastifyRequest, reply: FastifyReply) => {
    await authenticate(request, reply, roles);
  };

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(metrics.contentType).send(await metrics.metrics());
  });
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => {
    const spec = app.swagger() as { paths?: Record<string, Record<string, unknown>> };
    const rows = Object.entries(spec.paths ?? {})
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `<li><code>${m.toUpperCase()} ${path}</code></li>`))
      .join('\n');
    return reply
      .type('text/html')
      .send(
        `<!doctype html><html><head><title>Kush API</title></head><body><h1>Kush API v1</h1><p>OpenAPI: <a href="/docs/json">/docs/json</a></p><ul>${rows}</ul></body></html>`,
      );
  });

  const read = { preHandler: guard(READ_ROLES) };
  const responses = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

  app.get('/api/v1/workspaces', { ...read, schema: { response: { 401: ErrorBody } } }, async (request) => {
    const own = request.principal?.workspace_id;
    const all = options.listWorkspaces ? await options.listWorkspaces() : [];
    return { workspaces: [...new Set([own, ...all].filter((w): w is string => w !== undefined))].sort() };
  });

  app.get<{ Params: WorkspaceParamsT; Querystring: ListQueryT }>(
    '/api/v1/workspaces/:workspace/compliance/cases',
    { ...read, schema: { params: WorkspaceParams, querystring: ListQuery, response: responses } },
    async (request) => ({ cases: await listCases(compliance, request.params.workspace, request.query.limit ?? LIST_LIMIT_MAX) }),
  );
  app.get<{ Params: CaseParamsT }>(
    '/api/v1/workspaces/:workspace/compliance/cases/:caseId',
    { ...read, schema: { params: CaseParams, response: { ...responses, 404: ErrorBody } } },
    async (request, reply) => {
      const found = await getCase(compliance, request.params.workspace, request.params.caseId);
      if (!found) return reply.code(404).send(errorBody('not_found', `case ${request.params.caseId} not found`));
      return { case: found };
    },
  );
  app.get<{ Params: WorkspaceParamsT; Querystring: ListQueryT }>(
    '/api/v1/workspaces/:workspace/compliance/violations',
    { ...read, schema: { params: WorkspaceParams, querystring: ListQuery, response: responses } },
    async (request) => ({ violations: await listViolations(compliance, request.params.workspace, request.query.limit ?? LIST_LIMIT_MAX) }),
  );
  app.get<{ Params: WorkspaceParamsT }>(
    '/api/v1/workspaces/:workspace/audit/verify',
    { ...read, schema: { params: WorkspaceParams, response: responses } },
    async (request) => ({ verification: await verifyAuditLog(compliance, request.params.workspace) }),
  );

  app.post<{ Params: WorkspaceParamsT; Body: unknown }>(
    '/api/v1/workspaces/:workspace/events',
    {
      preHandler: guard(WRITE_ROLES),
      schema: {
        params: WorkspaceParams,
        body: Type.Object({}, { additionalProperties: true }),
        response: { ...responses, 501: ErrorBody },
      },
    },
    async (request, reply) => {
      const checked = validateEnvelope(request.body);
      if (!checked.ok) {
        const fields = checked.issues.map((i) => `${i.path} (${i.rule})`).join(', ');
        return reply.code(400).send(errorBody('invalid_event', `event rejected: ${fields}`, checked.issues));
      }
      if (!options.publish)
        return reply
          .code(501)
          .send(errorBody('not_implemented', 'no event bus is attached to this server; the event was valid but not stored'));
      const result = await options.publish(request.params.workspace, checked.value);
      return reply.code(202).send({ accepted: true, stored: result.stored, event_id: checked.value.event_id });
    },
  );
  app.get<{ Params: WorkspaceParamsT; Querystring: EventsQueryT }>(
    '/api/v1/workspaces/:workspace/events',
    { ...read, schema: { params: WorkspaceParams, querystring: EventsQuery, response: { ...responses, 501: ErrorBody } } },
    async (request, reply) => {
      if (!options.queryEvents) return reply.code(501).send(errorBody('not_implemented', 'no event bus is attached to this server'));
      return { events: await options.queryEvents(request.params.workspace, request.query.type, request.query.limit ?? LIST_LIMIT_MAX) };
    },
  );

  return app;
}

export interface StartServerOptions extends CreateServerOptions {
  readonly port: number;
  readonly host?: string;
}

export async function startServer(options: StartServerOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = await createServer(options);
  const url = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  return { app, url };
}
