// Taxonomy 1.8: social and health (social.*).
import { Type } from '@sinclair/typebox';
import { CULTURAL_EVENT_TYPES, IDEOLOGIES } from '../enums.js';
import { Count, EntityId, Enum, Fraction, Payload, SignedUnit, SnakeCase, TickId } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 1.8', 'CIV-0106'];
const Location = () => EntityId('Region.');

export const civSocialEvents = [
  defineEvent(
    'civ.social.health_crisis.v1',
    Payload(
      {
        tick_id: TickId(),
        location_id: Location(),
        disease_type: SnakeCase('Disease, e.g. influenza, plague.'),
        infection_rate: Fraction('Infectious share of the population.'),
        mortality_rate: Fraction('Deaths per infection this tick.'),
        affected_population: Count('Infected citizens.'),
      },
      'Records an epidemic.',
    ),
    REF,
    {
      tick_id: 50,
      location_id: 'region:4',
      disease_type: 'influenza',
      infection_rate: 0.12,
      mortality_rate: 0.01,
      affected_population: 60,
    },
  ),
  defineEvent(
    'civ.social.unrest_escalated.v1',
    Payload(
      {
        tick_id: TickId(),
        location_id: Location(),
        unrest_level: Type.Integer({ minimum: 0, maximum: 100, description: 'Unrest 0..100; above 70 insurgency begins.' }),
        causes: Type.Array(SnakeCase('Cause.'), { maxItems: 16, description: 'e.g. high_prices, shortage, low_legitimacy.' }),
        insurgent_count: Count('Citizens in insurgency.'),
      },
      'Records an uprising.',
    ),
    REF,
    { tick_id: 70, location_id: 'region:4', unrest_level: 78, causes: ['high_prices', 'shortage'], insurgent_count: 25 },
  ),
  defineEvent(
    'civ.social.ideology_shift.v1',
    Payload(
      {
        tick_id: TickId(),
        institution_id: EntityId('Institution.'),
        ideology_before: Enum(IDEOLOGIES, 'Ideology before.'),
        ideology_after: Enum(IDEOLOGIES, 'Ideology after.'),
        driver: SnakeCase('Cause, e.g. military_victory, enlightenment_era, famine.'),
      },
      'Records an ideological change.',
    ),
    REF,
    { tick_id: 90, institution_id: 'institution:2', ideology_before: 'monarchy', ideology_after: 'democracy', driver: 'enlightenment_era' },
  ),
  defineEvent(
    'civ.social.cultural_event.v1',
    Payload(
      {
        tick_id: TickId(),
        event_type: Enum(CULTURAL_EVENT_TYPES, 'Cultural event.'),
        location_id: Location(),
        impact_on_satisfaction: SignedUnit('Change of satisfaction in the region.'),
        influenced_population: Count('Citizens reached.'),
      },
      'Records a cultural occurrence.',
    ),
    REF,
    { tick_id: 15, event_type: 'festival', location_id: 'region:1', impact_on_satisfaction: 0.05, influenced_population: 300 },
  ),
];
