// The seam between the control plane and the event bus: append a workspace's events, read them
// back in log order, follow them live. The bus adapters (embedded SQLite, NATS JetStream) sit
// behind it; MemoryEventLog serves unit tests.
import { validateEnvelope, type EventEnvelopeV1 } from '@kush/contracts';
import { ControlError, fromValidationIssues } from '../control-error.js';

export interface EventFollower {
  close(): Promise<void>;
}

export interface ControlEventLog {
  /** Appends events of one workspace, in order; an event id already in the log is dropped. */
  append(workspaceId: string, events: readonly EventEnvelopeV1[]): Promise<void>;
  /** Every event of the workspace (of one workflow, if given), in log order. */
  read(workspaceId: string, workflowId?: string): AsyncIterable<EventEnvelopeV1>;
  /**
   * Calls `handler` with each event appended to the workspace after this call returns, in log
   * order, one at a time (the next waits for the previous handler).
   */
  follow(workspaceId: string, handler: (event: EventEnvelopeV1) => Promise<void> | void): Promise<EventFollower>;
}

/** An in-memory log: validates like the bus, drops duplicate ids, delivers in order. */
export class MemoryEventLog implements ControlEventLog {
  readonly #logs = new Map<string, { events: EventEnvelopeV1[]; ids: Set<string>; followers: Set<Follower> }>();

  #log(workspaceId: string) {
    let log = this.#logs.get(workspaceId);
    if (!log) {
      log = { events: [], ids: new Set(), followers: new Set() };
      this.#logs.set(workspaceId, log);
    }
    return log;
  }

  async append(workspaceId: string, events: readonly EventEnvelopeV1[]): Promise<void> {
    for (const e of events) {
      const valid = validateEnvelope(e);
      if (!valid.ok) throw new ControlError(fromValidationIssues('INVALID_EVENT', valid.issues, e.event_type));
    }
    const log = this.#log(workspaceId);
    for (const e of events) {
      if (log.ids.has(e.event_id)) continue;
      log.ids.add(e.event_id);
      log.events.push(e);
      for (const f of log.followers) f.push(e);
    }
  }

  async *read(workspaceId: string, workflowId?: string): AsyncIterable<EventEnvelopeV1> {
    yield* this.#log(workspaceId).events.filter((e) => !workflowId || e.workflow_id === workflowId);
  }

  events(workspaceId: string): readonly EventEnvelopeV1[] {
    return this.#log(workspaceId).events;
  }

  async follow(workspaceId: string, handler: (event: EventEnvelopeV1) => Promise<void> | void): Promise<EventFollower> {
    const log = this.#log(workspaceId);
    const follower = new Follower(handler);
    log.followers.add(follower);
    return {
      close: async () => {
        log.followers.delete(follower);
        await follower.drained();
      },
    };
  }
}

/** Delivers pushed events to a handler one at a time, in order. */
class Follower {
  readonly #queue: EventEnvelopeV1[] = [];
  #running: Promise<void> | undefined;

  constructor(private readonly handler: (event: EventEnvelopeV1) => Promise<void> | void) {}

  push(event: EventEnvelopeV1): void {
    this.#queue.push(event);
    this.#running ??= this.#drain();
  }

  async #drain(): Promise<void> {
    // Yield first so that append() returns before handlers run, as with a real bus.
    await Promise.resolve();
    for (let i = 0; i < this.#queue.length; i++) await this.handler(this.#queue[i]!);
    this.#queue.length = 0;
    this.#running = undefined;
  }

  async drained(): Promise<void> {
    while (this.#running) await this.#running;
  }
}
