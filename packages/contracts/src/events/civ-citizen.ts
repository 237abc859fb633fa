// Taxonomy 1.5: citizen lifecycle (citizen.*).
import { Type } from '@sinclair/typebox';
import { EntityId, Millijoules, Payload, SignedUnit, SnakeCase, TickId } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 1.5', 'CIV-0103'];
const Citizen = () => EntityId('Citizen id, e.g. citizen:17.');
const Location = (d: string) => EntityId(`${d} Region id, e.g. region:4.`);
const Education = (d: string) =>
  Type.Integer({ minimum: 0, maximum: 5, description: `${d} 0 none, 1 primary, 2 secondary, 3 vocational, 4 tertiary, 5 doctoral.` });
const AgeYears = (d: string) => Type.Integer({ minimum: 0, maximum: 200, description: `${d} Whole years.` });
const Career = (d: string) =>
  SnakeCase(`${d} Sector or status: unemployed, student, agriculture, industry, services, energy, government, retired.`);

export const civCitizenEvents = [
  defineEvent(
    'civ.citizen.born.v1',
    Payload(
      {
        tick_id: TickId(),
        citizen_id: Citizen(),
        parent_ids: Type.Array(Citizen(), { maxItems: 2, description: 'Parents (empty for founders).' }),
        birth_location: Location('Place of birth.'),
        genetic_traits: Type.Array(SnakeCase('Trait name.'), { maxItems: 16, description: 'Traits; affect career path probabilities.' }),
      },
      'Records a birth.',
    ),
    REF,
    {
      tick_id: 5,
      citizen_id: 'citizen:1001',
      parent_ids: ['citizen:12', 'citizen:40'],
      birth_location: 'region:3',
      genetic_traits: ['resilient'],
    },
  ),
  defineEvent(
    'civ.citizen.education_updated.v1',
    Payload(
      {
        tick_id: TickId(),
        citizen_id: Citizen(),
        education_level_before: Education('Level before.'),
        education_level_after: Education('Level after.'),
        institution_id: EntityId('Education institution.'),
      },
      'Records education progression.',
    ),
    REF,
    { tick_id: 5, citizen_id: 'citizen:17', education_level_before: 1, education_level_after: 2, institution_id: 'institution:3' },
  ),
  defineEvent(
    'civ.citizen.career_changed.v1',
    Payload(
      {
        tick_id: TickId(),
        citizen_id: Citizen(),
        old_career: Career('Previous career.'),
        new_career: Career('New career.'),
        employer_id: EntityId('Employer (firm or institution), or "none".'),
        salary_before: Millijoules('Salary per tick before.'),
        salary_after: Millijoules('Salary per tick after.'),
      },
      'Records a career transition.',
    ),
    REF,
    {
      tick_id: 5,
      citizen_id: 'citizen:17',
      old_career: 'unemployed',
      new_career: 'industry',
      employer_id: 'firm:4',
      salary_before: 0,
      salary_after: 25000,
    },
  ),
  defineEvent(
    'civ.citizen.retired.v1',
    Payload(
      {
        tick_id: TickId(),
        citizen_id: Citizen(),
        retirement_age: AgeYears('Age at retirement.'),
        career_length_years: AgeYears('Years worked.'),
        final_wealth: Millijoules('Wealth at retirement.'),
      },
      'Records a retirement.',
    ),
    REF,
    { tick_id: 5, citizen_id: 'citizen:17', retirement_age: 65, career_length_years: 43, final_wealth: 9000000 },
  ),
  defineEvent(
    'civ.citizen.died.v1',
    Payload(
      {
        tick_id: TickId(),
        citizen_id: Citizen(),
        death_age: AgeYears('Age at death.'),
        death_location: Location('Place of death.'),
        estate_distributed_to: Type.Array(
          Type.Object(
            { heir_id: EntityId('Heir account (citizen or institution treasury).'), amount_joules: Millijoules('Inheritance.') },
            { additionalProperties: false },
          ),
          { maxItems: 64, description: 'Estate shares; they sum to the estate exactly (field name from the taxonomy, value in mJ).' },
        ),
      },
      'Records a death.',
    ),
    REF,
    {
      tick_id: 5,
      citizen_id: 'citizen:17',
      death_age: 81,
      death_location: 'region:3',
      estate_distributed_to: [{ heir_id: 'citizen:1001', amount_joules: 9000000 }],
    },
  ),
  defineEvent(
    'civ.citizen.metrics_updated.v1',
    Payload(
      {
        tick_id: TickId(),
        citizen_id: Citizen(),
        age: AgeYears('Age.'),
        wealth: Millijoules('Account balance.'),
        education_level: Education('Education level.'),
        satisfaction_score: SignedUnit('Satisfaction in [-1, 1].'),
        institution_affiliation: EntityId('Controlling institution of the citizen\'s region, or "none".'),
      },
      'Time-series snapshot of a citizen (the sampled panel in summary mode, everyone in full mode).',
    ),
    REF,
    {
      tick_id: 5,
      citizen_id: 'citizen:17',
      age: 34,
      wealth: 125000,
      education_level: 2,
      satisfaction_score: 0.25,
      institution_affiliation: 'institution:1',
    },
  ),
];
