// The 75 event types of the taxonomy tables (38 civ, 37 venture), in taxonomy order.
import { civConflictEvents } from './civ-conflict.js';
import { civCitizenEvents } from './civ-citizen.js';
import { civEconomyEvents } from './civ-economy.js';
import { civEnergyEvents } from './civ-energy.js';
import { civInstitutionEvents } from './civ-institution.js';
import { civPolicyEvents } from './civ-policy.js';
import { civRunEvents } from './civ-run.js';
import { civSocialEvents } from './civ-social.js';
import type { EventDefinition } from './definition.js';
import { ventureArtifactEvents } from './venture-artifact.js';
import { ventureComplianceEvents } from './venture-compliance.js';
import { ventureMoneyEvents } from './venture-money.js';
import { venturePolicyEvents } from './venture-policy.js';
import { venturePrivacyEvents } from './venture-privacy.js';
import { ventureUserEvents } from './venture-user.js';
import { ventureWorkflowEvents } from './venture-workflow.js';

export const CIV_EVENTS: readonly EventDefinition[] = [
  ...civRunEvents,
  ...civPolicyEvents,
  ...civEconomyEvents,
  ...civEnergyEvents,
  ...civCitizenEvents,
  ...civInstitutionEvents,
  ...civConflictEvents,
  ...civSocialEvents,
];

export const VENTURE_EVENTS: readonly EventDefinition[] = [
  ...ventureWorkflowEvents,
  ...ventureArtifactEvents,
  ...ventureMoneyEvents,
  ...ventureComplianceEvents,
  ...venturePolicyEvents,
  ...ventureUserEvents,
  ...venturePrivacyEvents,
];

export const EVENT_DEFINITIONS: readonly EventDefinition[] = [...CIV_EVENTS, ...VENTURE_EVENTS];
export const EVENT_TYPES: readonly string[] = EVENT_DEFINITIONS.map((d) => d.event_type);
export const CIV_EVENT_TYPES: readonly string[] = CIV_EVENTS.map((d) => d.event_type);
export const VENTURE_EVENT_TYPES: readonly string[] = VENTURE_EVENTS.map((d) => d.event_type);

/** The Venture name of a relayed CIV event type: civ.x.y.v1 -> venture.civ.x.y.v1 (taxonomy 3.1). */
export const relayedEventType = (civEventType: string): string => `venture.${civEventType}`;
/** The CIV type a relayed Venture type wraps, or undefined. */
export const unrelayedEventType = (eventType: string): string | undefined =>
  eventType.startsWith('venture.civ.') ? eventType.slice('venture.'.length) : undefined;
