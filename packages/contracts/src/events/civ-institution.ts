// Taxonomy 1.6: institution lifecycle (institution.*).
import { Type } from '@sinclair/typebox';
import { INSTITUTION_STATES, INSTITUTION_TYPES } from '../enums.js';
import { Count, EntityId, Enum, Fraction, Millijoules, Payload, SnakeCase, TickId } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 1.6', 'CIV-0103', 'CIV-0105'];
const Institution = (d = 'Institution id, e.g. institution:2.') => EntityId(d);
const State = (d: string) => Enum(INSTITUTION_STATES, d);

export const civInstitutionEvents = [
  defineEvent(
    'civ.institution.created.v1',
    Payload(
      {
        tick_id: TickId(),
        institution_id: Institution(),
        institution_type: Enum(INSTITUTION_TYPES, 'Institution type.'),
        founder_id: EntityId('Founding citizen or institution.'),
        location: EntityId('Seat region.'),
        initial_population: Count('Members at creation.'),
      },
      'Records an institution formation.',
    ),
    REF,
    {
      tick_id: 0,
      institution_id: 'institution:2',
      institution_type: 'city_state',
      founder_id: 'citizen:3',
      location: 'region:1',
      initial_population: 120,
    },
  ),
  defineEvent(
    'civ.institution.state_changed.v1',
    Payload(
      {
        tick_id: TickId(),
        institution_id: Institution(),
        state_before: State('State before.'),
        state_after: State('State after (pending -> active -> dormant -> dissolved; dormant -> active allowed).'),
        reason: SnakeCase('Cause, e.g. diplomatic_treaty_expired, bankruptcy, armed_conquest.'),
        affected_citizens_count: Count('Citizens affected.'),
      },
      'Records an institutional state transition.',
    ),
    REF,
    {
      tick_id: 4,
      institution_id: 'institution:2',
      state_before: 'pending',
      state_after: 'active',
      reason: 'founding_quorum_reached',
      affected_citizens_count: 120,
    },
  ),
  defineEvent(
    'civ.institution.merged.v1',
    Payload(
      {
        tick_id: TickId(),
        merging_institution_ids: Type.Array(Institution(), { minItems: 2, maxItems: 16, description: 'Institutions merged.' }),
        resulting_institution_id: Institution('Institution that results.'),
        population_transferred: Count('Members moved into the result.'),
      },
      'Records a merger; population and assets are conserved.',
    ),
    REF,
    {
      tick_id: 40,
      merging_institution_ids: ['institution:2', 'institution:5'],
      resulting_institution_id: 'institution:2',
      population_transferred: 300,
    },
  ),
  defineEvent(
    'civ.institution.split.v1',
    Payload(
      {
        tick_id: TickId(),
        source_institution_id: Institution('Institution that splits.'),
        new_institution_ids: Type.Array(Institution(), { minItems: 1, maxItems: 16, description: 'Institutions created.' }),
        population_distributed: Count('Members moved to the new institutions.'),
      },
      'Records a fission; population and assets are conserved.',
    ),
    REF,
    { tick_id: 60, source_institution_id: 'institution:2', new_institution_ids: ['institution:9'], population_distributed: 150 },
  ),
  defineEvent(
    'civ.institution.dissolved.v1',
    Payload(
      {
        tick_id: TickId(),
        institution_id: Institution(),
        citizen_relocations: Type.Array(
          Type.Object(
            { to_institution_id: Institution('Receiving institution.'), citizen_count: Count('Citizens relocated.') },
            { additionalProperties: false },
          ),
          { maxItems: 64, description: 'Where the members went.' },
        ),
        asset_liquidations: Type.Array(
          Type.Object({ recipient_id: EntityId('Account paid.'), amount: Millijoules('Amount paid.') }, { additionalProperties: false }),
          { maxItems: 64, description: 'Treasury liquidation through the ledger.' },
        ),
      },
      'Records a dissolution.',
    ),
    REF,
    {
      tick_id: 80,
      institution_id: 'institution:5',
      citizen_relocations: [{ to_institution_id: 'institution:2', citizen_count: 90 }],
      asset_liquidations: [{ recipient_id: 'institution:2', amount: 4000000 }],
    },
  ),
  defineEvent(
    'civ.institution.metrics_updated.v1',
    Payload(
      {
        tick_id: TickId(),
        institution_id: Institution(),
        population: Count('Citizens in the regions it controls.'),
        wealth: Millijoules('Treasury balance.'),
        assets: Millijoules('Treasury plus the balances of firms it controls.'),
        influence_score: Fraction('Influence in [0, 1].'),
      },
      'Time-series snapshot of an institution.',
    ),
    REF,
    { tick_id: 5, institution_id: 'institution:2', population: 480, wealth: 50000000, assets: 90000000, influence_score: 0.42 },
  ),
];
