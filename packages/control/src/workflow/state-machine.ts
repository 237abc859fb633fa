// The two state machines of Track C. A transition not listed here is refused with an error that
// names the machine, the subject and both states, so a producer bug is visible where it happens.
import { TASK_STATUSES, WORKFLOW_STATUSES } from '@kush/contracts';
import { accepted, controlIssue, refused, type Refusable } from '../control-error.js';

export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const WORKFLOW_TRANSITIONS: Readonly<Record<WorkflowStatus, readonly WorkflowStatus[]>> = {
  pending: ['running', 'cancelled'],
  running: ['completed', 'compensating', 'failed', 'cancelled'],
  // A saga in progress ends failed once its compensations ran; it cannot complete any more.
  compensating: ['failed'],
  completed: [],
  failed: [],
  cancelled: [],
};

export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  scheduled: ['started'],
  started: ['completed', 'failed', 'retrying'],
  // A retry is scheduled again, or abandoned when its workflow stops (saga, cancel).
  retrying: ['scheduled', 'failed'],
  completed: [],
  failed: [],
};

export const isTerminalWorkflow = (s: WorkflowStatus): boolean => WORKFLOW_TRANSITIONS[s].length === 0;
export const isTerminalTask = (s: TaskStatus): boolean => TASK_TRANSITIONS[s].length === 0;

export function workflowTransition(subject: string, from: WorkflowStatus, to: WorkflowStatus, cause: string): Refusable<WorkflowStatus> {
  if (WORKFLOW_TRANSITIONS[from].includes(to)) return accepted(to);
  return refused(
    controlIssue(
      'ILLEGAL_TRANSITION',
      `workflow ${subject}`,
      `illegal transition ${from} -> ${to} (${cause}); allowed from ${from}: ${list(WORKFLOW_TRANSITIONS[from])}`,
    ),
  );
}

export function taskTransition(subject: string, from: TaskStatus, to: TaskStatus, cause: string): Refusable<TaskStatus> {
  if (TASK_TRANSITIONS[from].includes(to)) return accepted(to);
  return refused(
    controlIssue(
      'ILLEGAL_TRANSITION',
      `task ${subject}`,
      `illegal transition ${from} -> ${to} (${cause}); allowed from ${from}: ${list(TASK_TRANSITIONS[from])}`,
    ),
  );
}

const list = (states: readonly string[]): string => (states.length === 0 ? 'none (terminal)' : states.join(', '));
