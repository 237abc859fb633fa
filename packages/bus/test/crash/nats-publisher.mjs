// Child process for the crash test: publishes one large batch on NATS, saying when it starts each
// phase, so the parent can SIGKILL it mid-journal or mid-publish. Uses the built @kush/bus.
import { createEnvelope, deterministicUuid, exampleEnvelope } from '@kush/contracts';
import { openNatsBus } from '@kush/bus';

const [url, prefix, runId, countText] = process.argv.slice(2);
const count = Number(countText);
const base = exampleEnvelope('civ.energy.generated.v1');
const batch = Array.from({ length: count }, (_, i) =>
  createEnvelope({ ...base, event_id: deterministicUuid('bus-crash', runId, String(i)), replay_token: undefined }),
);
const bus = await openNatsBus({ url, prefix, recover: false });
process.stdout.write('publishing\n');
await bus.publish(batch, { workspace: 'crash' });
process.stdout.write('published\n');
await bus.close();
