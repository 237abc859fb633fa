// `kush worker`: a worker process on the JetStream work queue. Start as many as the work needs;
// each takes tasks from the same queue. A worker killed mid-task loses nothing: the task's ack
// deadline passes and another worker gets it.
import type { Command } from 'commander';
import { CliError, EXIT_USAGE } from '../cli-error.js';
import { parseIntegerFlag, printJson, printLine, type JsonOption } from '../output.js';
import { cliConfig } from '../storage.js';
import { agentFlag, withControl, WORKER_CONCURRENCY_DEFAULT } from './workflow.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run tasks from the work queue until stopped (SIGINT/SIGTERM); needs KUSH_BUS_URL=nats://...')
    .option('--concurrency <n>', `tasks at once (default ${WORKER_CONCURRENCY_DEFAULT})`)
    .option('--agent <kind>', 'rule_based (default) or chat_completion (KUSH_AGENT_URL, KUSH_AGENT_API_KEY, KUSH_AGENT_MODEL)')
    .option('--json', 'print the final statistics as JSON')
    .action(async (options: JsonOption & { concurrency?: string; agent?: string }) => {
      const concurrency = parseIntegerFlag('--concurrency', options.concurrency, { min: 1, max: 1024 }) ?? WORKER_CONCURRENCY_DEFAULT;
      const agent = agentFlag(options.agent);
      // Checked before storage opens: an embedded worker would have no one to take tasks from.
      if (!cliConfig().busUrl) {
        throw new CliError(
          'KUSH_BUS_URL: must be set (nats://...) for `kush worker`; embedded runs carry their workers inside `kush workflow run`',
          EXIT_USAGE,
          'INVALID_CONFIGURATION',
        );
      }
      await withControl(async (runtime) => {
        const [worker] = await runtime.plane.startWorkers(1, concurrency, agent);
        process.stderr.write(`worker ready (pid ${process.pid}, concurrency ${concurrency})\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await worker!.stop();
        if (options.json) printJson({ ok: true, ...worker!.stats });
        else printLine(`worker stopped: ${JSON.stringify(worker!.stats)}`);
      });
    });
}
