// Per-role tool allowlists (ROLE_TOOL_ALLOWLIST_MATRIX): a role may call exactly the tools listed
// for it. Anything else is refused and recorded as tool misuse.
import { AGENT_ROLES, type AgentRole } from '@kush/contracts';
import { accepted, controlIssue, refused, type Refusable } from '../control-error.js';
import type { ToolRegistry } from './tool-registry.js';

export type AllowlistMatrix = Readonly<Record<AgentRole, readonly string[]>>;

/** The default matrix over the built-in tools; the diagnostic tools (noop, sleep, fail) are open to every role. */
export const DEFAULT_ALLOWLISTS: AllowlistMatrix = {
  analyst: ['noop', 'sleep', 'fail', 'hash_text', 'write_note', 'policy_eval'],
  architect: ['noop', 'sleep', 'fail', 'hash_text', 'write_note', 'policy_eval'],
  engineer: ['noop', 'sleep', 'fail', 'hash_text', 'write_note', 'deploy', 'rollback_deploy'],
  auditor: ['noop', 'sleep', 'fail', 'hash_text', 'policy_eval'],
  orchestrator: ['noop', 'sleep', 'fail', 'hash_text', 'policy_eval', 'deploy', 'rollback_deploy'],
};

export class Allowlists {
  readonly #allowed: ReadonlyMap<AgentRole, ReadonlySet<string>>;

  private constructor(allowed: Map<AgentRole, Set<string>>) {
    this.#allowed = allowed;
  }

  /** Builds the lists, refusing a role the taxonomy does not know or a tool the registry lacks. */
  static create(matrix: AllowlistMatrix, registry: ToolRegistry): Refusable<Allowlists> {
    const allowed = new Map<AgentRole, Set<string>>();
    for (const role of AGENT_ROLES) {
      const tools = matrix[role];
      if (!tools) return refused(controlIssue('INVALID_ALLOWLIST', `allowlists.${role}`, 'is required (one list per agent role)'));
      for (const tool of tools) {
        if (!registry.get(tool)) return refused(controlIssue('INVALID_ALLOWLIST', `allowlists.${role}`, `names unregistered tool ${tool}`));
      }
      allowed.set(role, new Set(tools));
    }
    for (const role of Object.keys(matrix)) {
      if (!allowed.has(role as AgentRole))
        return refused(controlIssue('INVALID_ALLOWLIST', `allowlists.${role}`, `is not an agent role (${AGENT_ROLES.join(', ')})`));
    }
    return accepted(new Allowlists(allowed));
  }

  isAllowed(role: AgentRole, tool: string): boolean {
    return this.#allowed.get(role)?.has(tool) === true;
  }

  check(role: AgentRole, tool: string, path: string): Refusable<true> {
    if (this.isAllowed(role, tool)) return accepted(true);
    return refused(controlIssue('TOOL_DENIED', path, `role ${role} may not call tool ${tool} (allowed: ${this.toolsOf(role).join(', ')})`));
  }

  toolsOf(role: AgentRole): string[] {
    return [...(this.#allowed.get(role) ?? [])].sort();
  }
}
