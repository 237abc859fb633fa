// Taxonomy 1.3: economy (economy.*). Prices and amounts are integer millijoules.
import { Type } from '@sinclair/typebox';
import { MARKET_TYPES } from '../enums.js';
import { Count, EntityId, Enum, Fraction, Millijoules, Payload, SignedPercent, SnakeCase, TickId } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 1.3', 'CIV-0100', 'CIV-0107'];
const Market = () => Enum(MARKET_TYPES, 'Market.');
const Qty = (d: string) => Count(`${d} Integer quantity units of the market's good.`);

export const civEconomyEvents = [
  defineEvent(
    'civ.economy.market_cleared.v1',
    Payload(
      {
        tick_id: TickId(),
        market_type: Market(),
        supply_qty: Qty('Quantity offered.'),
        demand_qty: Qty('Quantity demanded.'),
        equilibrium_price: Millijoules('Clearing price per unit.'),
        clearing_efficiency: Fraction('Traded quantity over max(supply, demand); 1.0 = perfect clearing.'),
      },
      'Records a supply-demand equilibrium.',
    ),
    REF,
    { tick_id: 3, market_type: 'goods', supply_qty: 900, demand_qty: 1000, equilibrium_price: 1500, clearing_efficiency: 0.9 },
  ),
  defineEvent(
    'civ.economy.transfer_booked.v1',
    Payload(
      {
        tick_id: TickId(),
        sender_id: EntityId('Account the value leaves.'),
        receiver_id: EntityId('Account the value enters.'),
        amount: Type.Integer({
          minimum: 1,
          maximum: Number.MAX_SAFE_INTEGER,
          description: 'Amount moved. Integer millijoules (mJ), positive.',
          'x-unit': 'mJ',
        }),
        transfer_reason: SnakeCase('Why the value moved: wage, purchase, tax, subsidy, production, consumption, inheritance, ...'),
        ledger_account_pair: Type.Object(
          { debit_account: EntityId('Account debited.'), credit_account: EntityId('Account credited.') },
          { additionalProperties: false, description: 'For reconciliation.' },
        ),
      },
      'Records a double-entry transfer (in summary mode, the sum per account pair and reason within the tick).',
    ),
    REF,
    {
      tick_id: 3,
      sender_id: 'firm:4',
      receiver_id: 'citizen:17',
      amount: 25000,
      transfer_reason: 'wage',
      ledger_account_pair: { debit_account: 'firm:4', credit_account: 'citizen:17' },
    },
  ),
  defineEvent(
    'civ.economy.balance_updated.v1',
    Payload(
      {
        tick_id: TickId(),
        account_id: EntityId('Account.'),
        balance_before: Millijoules('Balance before.'),
        balance_after: Millijoules('Balance after.'),
        delta_reason: SnakeCase('Cause of the change.'),
      },
      'Records an account balance change.',
    ),
    REF,
    { tick_id: 3, account_id: 'citizen:17', balance_before: 100000, balance_after: 125000, delta_reason: 'wage' },
  ),
  defineEvent(
    'civ.economy.supply_stress.v1',
    Payload(
      {
        tick_id: TickId(),
        market_type: Market(),
        supply_shortfall: Qty('Demand minus supply; used by Venture for quota model validation.'),
        stress_multiplier: Type.Number({ minimum: 1, maximum: 1e6, description: 'Demand over supply (>= 1).' }),
        price_impact: SignedPercent('Price change caused by the stress, percent.'),
      },
      'Records that supply fell short of demand (CIV-0102).',
    ),
    [...REF, 'CIV-0102'],
    { tick_id: 3, market_type: 'energy', supply_shortfall: 120, stress_multiplier: 1.12, price_impact: 6.0 },
  ),
  defineEvent(
    'civ.economy.price_changed.v1',
    Payload(
      {
        tick_id: TickId(),
        market_type: Market(),
        price_before: Millijoules('Price per unit before.'),
        price_after: Millijoules('Price per unit after.'),
        price_change_pct: SignedPercent('(after - before) / before, percent.'),
        reason: SnakeCase('excess_demand, excess_supply, policy, shock, ...'),
      },
      'Records price discovery.',
    ),
    REF,
    { tick_id: 3, market_type: 'goods', price_before: 1500, price_after: 1560, price_change_pct: 4.0, reason: 'excess_demand' },
  ),
];
