// The work-queue contract on both adapters: each item to one puller, redelivery after the ack
// wait, nak and in-progress, and tenancy by workspace.
import { openDatabase, integrationTarget, type Database } from '@kush/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusError, openEmbeddedWorkQueue, openWorkQueue, openNatsWorkQueue, type NatsWorkQueue, type WorkQueue } from '@kush/bus';

const url = await integrationTarget('nats');
const RUN = `W${process.pid}_${Date.now().toString(36).toUpperCase()}`;

interface Adapter {
  name: string;
  skip: boolean;
  open(name: string, ackWaitMs: number, workspace?: string): Promise<WorkQueue<{ n: number }>>;
  cleanup(): Promise<void>;
}

let database: Database<unknown> | undefined;
const natsQueues: NatsWorkQueue<unknown>[] = [];
const adapters: Adapter[] = [
  {
    name: 'embedded',
    skip: false,
    async open(name, ackWaitMs, workspace) {
      database ??= await openDatabase<unknown>({ sqlitePath: ':memory:' });
      return openEmbeddedWorkQueue<{ n: number }>({ database, name, ackWaitMs, ...(workspace ? { workspace } : {}) });
    },
    async cleanup() {
      await database?.close();
    },
  },
  {
    name: 'nats',
    skip: !url,
    async open(name, ackWaitMs, workspace) {
      const q = await openNatsWorkQueue<{ n: number }>({
        url: url!,
        prefix: `KW_${RUN}`,
        name,
        ackWaitMs,
        ...(workspace ? { workspace } : {}),
      });
      natsQueues.push(q as NatsWorkQueue<unknown>);
      return q;
    },
    async cleanup() {
      for (const q of natsQueues) await q.destroy();
    },
  },
];

for (const adapter of adapters) {
  describe.skipIf(adapter.skip)(`work queue (${adapter.name})`, () => {
    const open: WorkQueue<{ n: number }>[] = [];
    const queue = async (name: string, ackWaitMs: number, workspace?: string) => {
      const q = await adapter.open(name, ackWaitMs, workspace);
      open.push(q);
      return q;
    };
    beforeAll(() => undefined);
    afterAll(async () => {
      await adapter.cleanup();
      for (const q of open) await q.close();
    });

    it('hands each item to one of two pullers, and an acked item leaves the queue', async () => {
      const a = await queue('tasks', 5_000);
      const b = await queue('tasks', 5_000);
      await a.push(Array.from({ length: 10 }, (_, n) => ({ n })));
      expect(await a.size()).toBe(10);
      const got = [...(await a.pull({ max: 4, waitMs: 1_000 })), ...(await b.pull({ max: 10, waitMs: 1_000 }))];
      expect(got.map((i) => i.payload.n).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const item of got) await item.ack();
      await expect.poll(() => a.size()).toBe(0);
    });

    it('redelivers an item not acked within the ack wait; nak gives it back at once', async () => {
      const q = await queue('slow', 400);
      await q.push([{ n: 1 }]);
      const [first] = await q.pull({ waitMs: 1_000 });
      expect(first!.deliveryCount).toBe(1);
      const [again] = await q.pull({ waitMs: 3_000 });
      expect(again!.payload).toEqual({ n: 1 });
      expect(again!.deliveryCount).toBe(2);
      await again!.nak();
      const [third] = await q.pull({ waitMs: 2_000 });
      expect(third!.deliveryCount).toBe(3);
      await third!.ack();
      await expect.poll(() => q.size()).toBe(0);
    });

    it('keeps an item marked in progress leased past its ack wait', async () => {
      const q = await queue('busy', 1_500);
      await q.push([{ n: 2 }]);
      const [item] = await q.pull({ waitMs: 1_000 });
      await new Promise((r) => setTimeout(r, 1_000));
      await item!.inProgress();
      // A NATS pull waits at least a second; the lease, renewed at 1 s, runs to 2.5 s.
      expect(await q.pull({ waitMs: 0 })).toEqual([]);
      await item!.ack();
      await expect.poll(() => q.size()).toBe(0);
    });

    it('keeps workspaces apart and refuses a bad queue name naming the field', async () => {
      const alpha = await queue('jobs', 5_000, 'alpha');
      const beta = await queue('jobs', 5_000, 'beta');
      await alpha.push([{ n: 7 }]);
      expect(await beta.pull({ waitMs: 0 })).toEqual([]);
      const [item] = await alpha.pull({ waitMs: 1_000 });
      expect(item!.payload).toEqual({ n: 7 });
      await item!.ack();
      // openWorkQueue picks this adapter from the URL, like openBus.
      const chosen = await openWorkQueue<{ n: number }>(
        adapter.name === 'nats'
          ? { url: url!, natsPrefix: `KW_${RUN}`, name: 'jobs', workspace: 'alpha' }
          : { url: undefined, database: database!, name: 'jobs', workspace: 'alpha' },
      );
      await alpha.push([{ n: 8 }]);
      const [viaChosen] = await chosen.pull({ waitMs: 1_000 });
      expect(viaChosen!.payload).toEqual({ n: 8 });
      await viaChosen!.ack();
      await chosen.close();
      const error = await adapter.open('Bad Name', 1_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BusError);
      expect((error as BusError).message).toMatch(/name: 'Bad Name' must match/);
    });
  });
}
