// Taxonomy 1.7: war, diplomacy and conflict (conflict.*).
import { Type } from '@sinclair/typebox';
import { INFLUENCE_DIRECTIONS, SHADOW_NETWORK_TYPES, TREATY_TYPES } from '../enums.js';
import { Count, EntityId, Enum, JsonObject, Payload, SnakeCase, TickId } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 1.7', 'CIV-0105'];
const Institution = (d: string) => EntityId(d);

export const civConflictEvents = [
  defineEvent(
    'civ.conflict.war_declared.v1',
    Payload(
      {
        tick_id: TickId(),
        aggressor_institution_id: Institution('Aggressor.'),
        defender_institution_id: Institution('Defender.'),
        reason: SnakeCase('Casus belli, e.g. territorial_claim, resource_scarcity.'),
        military_strength_ratio: Type.Number({ minimum: 0, maximum: 1e6, description: 'Attacker strength / defender strength.' }),
      },
      'Records a declaration of war.',
    ),
    REF,
    {
      tick_id: 30,
      aggressor_institution_id: 'institution:1',
      defender_institution_id: 'institution:3',
      reason: 'territorial_claim',
      military_strength_ratio: 1.4,
    },
  ),
  defineEvent(
    'civ.conflict.treaty_signed.v1',
    Payload(
      {
        tick_id: TickId(),
        party_1_id: Institution('First party.'),
        party_2_id: Institution('Second party.'),
        treaty_type: Enum(TREATY_TYPES, 'Treaty type.'),
        terms: JsonObject('Terms, e.g. {tariff_bp, tribute_mj_per_tick}.'),
        duration_ticks: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Ticks until expiry.' }),
      },
      'Records a treaty.',
    ),
    REF,
    {
      tick_id: 12,
      party_1_id: 'institution:1',
      party_2_id: 'institution:2',
      treaty_type: 'trade_agreement',
      terms: { tariff_bp: 0 },
      duration_ticks: 48,
    },
  ),
  defineEvent(
    'civ.conflict.territorial_control_changed.v1',
    Payload(
      {
        tick_id: TickId(),
        location_id: EntityId('Region.'),
        previous_controller_id: Institution('Previous controller.'),
        new_controller_id: Institution('New controller.'),
        population_affected: Count('Citizens in the region.'),
      },
      'Records a conquest or cession.',
    ),
    REF,
    {
      tick_id: 36,
      location_id: 'region:7',
      previous_controller_id: 'institution:3',
      new_controller_id: 'institution:1',
      population_affected: 210,
    },
  ),
  defineEvent(
    'civ.conflict.shadow_network_activated.v1',
    Payload(
      {
        tick_id: TickId(),
        network_id: EntityId('Shadow network.'),
        network_type: Enum(SHADOW_NETWORK_TYPES, 'Network type.'),
        target_institution_id: Institution('Target.'),
        influence_direction: Enum(INFLUENCE_DIRECTIONS, 'Direction of influence.'),
      },
      'Records a covert influence operation.',
    ),
    REF,
    {
      tick_id: 20,
      network_id: 'shadow:1',
      network_type: 'spy_ring',
      target_institution_id: 'institution:2',
      influence_direction: 'destabilize',
    },
  ),
];
