// Scenarios: the world's size and starting parameters, validated field by field.
import { issueFromValueError, type Validated } from '@kush/contracts';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

const Int = (min: number, max: number, description: string) => Type.Integer({ minimum: min, maximum: max, description });
const BasisPoints = (description: string) => Int(0, 10_000, `${description} Basis points (1/100 of a percent).`);

export const PolicyParametersSchema = Type.Object(
  {
    income_tax_bp: BasisPoints('Tax on wages, paid to the controlling institution.'),
    subsidy_bp: BasisPoints('Share of an institution treasury paid to its firms each tick.'),
    energy_markup_bp: BasisPoints('Producer markup over the energy cost.'),
    rationing_bp: BasisPoints('Share of energy demand served when supply is short (10000 = no rationing).'),
  },
  { additionalProperties: false },
);

export const ScenarioSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'Scenario name.' }),
    citizens: Int(1, 5_000_000, 'Citizens at start.'),
    regions: Int(1, 100_000, 'Regions on the hex grid.'),
    regions_per_institution: Int(1, 10_000, 'Regions each founding institution controls.'),
    initial_wealth_mj: Int(0, 1e12, 'Starting balance per citizen, mJ.'),
    firm_capital_mj: Int(0, 1e15, 'Starting balance per firm, mJ.'),
    productivity_mj: Int(1, 1e9, 'Value a worker produces per tick, mJ.'),
    wage_mj: Int(1, 1e9, 'Starting wage per tick, mJ.'),
    energy_need_mj: Int(0, 1e9, 'Energy a citizen uses per tick, mJ.'),
    generation_capacity_mj: Int(0, 1e15, 'Generation capacity per producer per tick, mJ.'),
    storage_capacity_mj: Int(0, 1e15, 'Storage capacity per region, mJ.'),
    renewable_variability_bp: BasisPoints('Spread of renewable output around its nominal value.'),
    panel_size: Int(0, 100_000, 'Citizens in the sampled metrics panel (summary event level).'),
    snapshot_every: Int(1, 1_000_000, 'Ticks between state snapshots in the run directory.'),
    policy_bundle_id: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}@[0-9]{1,9}$',
      description: 'Policy bundle, <name>@<version>.',
    }),
    policy: PolicyParametersSchema,
  },
  { additionalProperties: false },
);

export type Scenario = Static<typeof ScenarioSchema>;
export type PolicyParameters = Static<typeof PolicyParametersSchema>;

const check = TypeCompiler.Compile(ScenarioSchema);

export function validateScenario(value: unknown): Validated<Scenario> {
  if (check.Check(value)) {
    if (value.regions_per_institution > value.regions) {
      return {
        ok: false,
        issues: [{ path: 'regions_per_institution', rule: 'maximum', message: 'regions_per_institution: must be <= regions' }],
      };
    }
    return { ok: true, value };
  }
  // One issue per field: TypeBox reports a missing field as both `required` and a type error.
  const byPath = new Map<string, ReturnType<typeof issueFromValueError>>();
  for (const error of check.Errors(value)) {
    const issue = issueFromValueError(error);
    if (!byPath.has(issue.path)) byPath.set(issue.path, issue);
    if (byPath.size >= 32) break;
  }
  return { ok: false, issues: [...byPath.values()] };
}

const base = {
  regions_per_institution: 10,
  initial_wealth_mj: 50_000,
  firm_capital_mj: 2_000_000,
  productivity_mj: 1_200,
  wage_mj: 1_000,
  energy_need_mj: 300,
  generation_capacity_mj: 0,
  storage_capacity_mj: 0,
  renewable_variability_bp: 2_500,
  panel_size: 50,
  snapshot_every: 20,
  policy_bundle_id: 'default@1',
  policy: { income_tax_bp: 1_500, subsidy_bp: 200, energy_markup_bp: 1_000, rationing_bp: 10_000 },
};

function sized(name: string, citizens: number, regions: number): Scenario {
  const perRegion = citizens / regions;
  return {
    ...base,
    name,
    citizens,
    regions,
    // Four producers per region cover roughly the region's demand, storage a few ticks of it.
    generation_capacity_mj: Math.ceil((perRegion * base.energy_need_mj * 1.6) / 4),
    storage_capacity_mj: Math.ceil(perRegion * base.energy_need_mj * 3),
  };
}

/** The built-in scenarios: CIV-0500's service-level sizes. */
export const BUILT_IN_SCENARIOS: Readonly<Record<string, Scenario>> = {
  small: sized('small', 1_000, 20),
  medium: sized('medium', 10_000, 100),
  large: sized('large', 100_000, 500),
  research: sized('research', 1_000_000, 2_000),
};
