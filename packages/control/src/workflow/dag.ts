// A workflow's task graph: nodes are indices, edges point from a dependency to its dependent.
// Built once per workflow; refuses unknown dependencies and cycles (naming one cycle).
import { accepted, controlIssue, refused, type ControlIssue, type Refusable } from '../control-error.js';

export interface Dag {
  readonly size: number;
  /** Dependencies of each node. */
  readonly parents: ReadonlyArray<readonly number[]>;
  /** Dependents of each node. */
  readonly children: ReadonlyArray<readonly number[]>;
  /** Every node once, each after all of its dependencies (Kahn's order, ties by index). */
  readonly order: readonly number[];
  /** Nodes without dependencies. */
  readonly roots: readonly number[];
}

/** `parents[i]` lists the nodes i depends on; `names[i]` is used in error messages. */
export function buildDag(names: readonly string[], parents: ReadonlyArray<readonly number[]>, path = 'tasks'): Refusable<Dag> {
  const size = names.length;
  const issues: ControlIssue[] = [];
  const children: number[][] = Array.from({ length: size }, () => []);
  const indegree = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const seen = new Set<number>();
    for (const p of parents[i]!) {
      if (p === i) issues.push(controlIssue('DAG_SELF_DEPENDENCY', `${path}.${names[i]}.depends_on`, 'a task cannot depend on itself'));
      else if (p < 0 || p >= size)
        issues.push(controlIssue('DAG_UNKNOWN_DEPENDENCY', `${path}.${names[i]}.depends_on`, `unknown task index ${p}`));
      else if (!seen.has(p)) {
        seen.add(p);
        children[p]!.push(i);
        indegree[i]!++;
      }
    }
  }
  if (issues.length > 0) return refused(...issues);

  const order: number[] = [];
  const roots: number[] = [];
  const remaining = Int32Array.from(indegree);
  // Indices are visited in increasing order within each wave, so the order is a function of the input.
  let frontier: number[] = [];
  for (let i = 0; i < size; i++) if (remaining[i] === 0) frontier.push(i);
  roots.push(...frontier);
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const n of frontier) {
      order.push(n);
      for (const c of children[n]!) if (--remaining[c]! === 0) next.push(c);
    }
    next.sort((a, b) => a - b);
    frontier = next;
  }
  if (order.length !== size) return refused(cycleIssue(names, parents, remaining, path));
  return accepted({ size, parents: parents.map((p) => [...new Set(p)]), children, order, roots });
}

function cycleIssue(
  names: readonly string[],
  parents: ReadonlyArray<readonly number[]>,
  remaining: Int32Array,
  path: string,
): ControlIssue {
  // Every node left with remaining > 0 lies on or behind a cycle; walk parents among them until one repeats.
  let node = remaining.findIndex((r) => r > 0);
  const position = new Map<number, number>();
  const walk: number[] = [];
  while (!position.has(node)) {
    position.set(node, walk.length);
    walk.push(node);
    node = parents[node]!.find((p) => remaining[p]! > 0)!;
  }
  const found = walk.slice(position.get(node)).reverse();
  // Start the cycle at its lowest index so the message does not depend on where the walk began.
  const lowest = found.indexOf(Math.min(...found));
  const cycle = [...found.slice(lowest), ...found.slice(0, lowest)];
  const text = [...cycle, cycle[0]!].map((i) => names[i]).join(' -> ');
  return controlIssue('DAG_CYCLE', path, `the dependencies form a cycle: ${text}`);
}
