// Taxonomy 1.4: energy accounting (energy.*). Energy is integer millijoules.
import { Type } from '@sinclair/typebox';
import { ENERGY_SOURCE_TYPES } from '../enums.js';
import { EntityId, Enum, Millijoules, Payload, Percent, SignedMillijoules, SignedPercent, SnakeCase, TickId } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 1.4', 'CIV-0102', 'CIV-0107'];
const Source = () => Enum(ENERGY_SOURCE_TYPES, 'Energy source type.');

export const civEnergyEvents = [
  defineEvent(
    'civ.energy.consumed.v1',
    Payload(
      {
        tick_id: TickId(),
        consumer_entity_id: EntityId('Consumer (citizen, firm, region aggregate).'),
        energy_qty: Millijoules('Energy consumed.'),
        source_type: Source(),
        consumption_reason: SnakeCase('household, production, transport, ...'),
      },
      'Records energy consumption.',
    ),
    REF,
    { tick_id: 3, consumer_entity_id: 'region:2', energy_qty: 4500000, source_type: 'renewable', consumption_reason: 'household' },
  ),
  defineEvent(
    'civ.energy.generated.v1',
    Payload(
      {
        tick_id: TickId(),
        producer_entity_id: EntityId('Producer.'),
        energy_qty: Millijoules('Energy generated.'),
        source_type: Source(),
        capacity_utilization_pct: Percent('Generated over capacity, percent.'),
      },
      'Records energy production.',
    ),
    REF,
    { tick_id: 3, producer_entity_id: 'producer:5', energy_qty: 9000000, source_type: 'fossil', capacity_utilization_pct: 75 },
  ),
  defineEvent(
    'civ.energy.stored.v1',
    Payload(
      {
        tick_id: TickId(),
        storage_entity_id: EntityId('Storage unit.'),
        energy_qty_added: SignedMillijoules('Charge (positive) or discharge (negative).'),
        storage_capacity_before: Millijoules('Stored energy before.'),
        storage_capacity_after: Millijoules('Stored energy after.'),
      },
      'Records a change of energy reserves.',
    ),
    REF,
    {
      tick_id: 3,
      storage_entity_id: 'producer:9',
      energy_qty_added: 200000,
      storage_capacity_before: 1000000,
      storage_capacity_after: 1200000,
    },
  ),
  defineEvent(
    'civ.energy.balance.v1',
    Payload(
      {
        tick_id: TickId(),
        supply_total: Millijoules('Energy generated plus discharged.'),
        demand_total: Millijoules('Energy consumed plus charged.'),
        reserves_delta: SignedMillijoules('Change of stored energy.'),
        conservation_check_passed: Type.Boolean({
          description: 'Generation = consumption + storage change + curtailment; false means a determinism bug.',
        }),
      },
      'Records the energy conservation equation for the tick.',
    ),
    REF,
    { tick_id: 3, supply_total: 9000000, demand_total: 8800000, reserves_delta: 200000, conservation_check_passed: true },
  ),
  defineEvent(
    'civ.energy.renewable_variability.v1',
    Payload(
      {
        tick_id: TickId(),
        renewable_source_id: EntityId('Renewable producer.'),
        expected_output: Millijoules('Nominal output.'),
        actual_output: Millijoules('Output after seeded variability.'),
        variance_pct: SignedPercent('(actual - expected) / expected, percent.'),
      },
      'Records renewable variability; drives peak-shaving triggers.',
    ),
    REF,
    { tick_id: 3, renewable_source_id: 'producer:1', expected_output: 5000000, actual_output: 4200000, variance_pct: -16 },
  ),
];
