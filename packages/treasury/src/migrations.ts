// Migrations for both dialects. The database itself refuses what the ledger must never hold:
// entries are append-only (no UPDATE, no DELETE), and on PostgreSQL a constraint trigger checked
// at commit refuses a transaction whose entries do not sum to zero per unit.
import { migrateToLatest, type Database } from '@kush/runtime';
import { sql, type Kysely, type Migration } from 'kysely';

function migrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  return {
    '2026-11-22-001-treasury': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('treasury_accounts')
          .addColumn('workspace_id', 'text', (c) => c.notNull())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('account_type', 'text', (c) => c.notNull())
          .addColumn('unit', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('no_overdraft', 'integer', (c) => c.notNull())
          .addColumn('balance', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('treasury_accounts_pk', ['workspace_id', 'account_id'])
          .execute();
        await db.schema
          .createTable('treasury_transactions')
          .addColumn('workspace_id', 'text', (c) => c.notNull())
          .addColumn('transaction_id', 'text', (c) => c.notNull())
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          .addColumn('body_hash', 'text', (c) => c.notNull())
          .addColumn('reference_id', 'text', (c) => c.notNull())
          .addColumn('policy_bundle_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('treasury_transactions_pk', ['workspace_id', 'transaction_id'])
          .addUniqueConstraint('treasury_transactions_key', ['workspace_id', 'idempotency_key'])
          .execute();
        await db.schema
          .createTable('treasury_entries')
          .addColumn('workspace_id', 'text', (c) => c.notNull())
          .addColumn('transaction_id', 'text', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('unit', 'text', (c) => c.notNull())
          .addColumn('amount', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('treasury_entries_pk', ['workspace_id', 'transaction_id', 'position'])
          .execute();
        await db.schema.createIndex('treasury_entries_account').on('treasury_entries').columns(['workspace_id', 'account_id']).execute();
        await db.schema
          .createTable('treasury_budgets')
          .addColumn('workspace_id', 'text', (c) => c.primaryKey())
          .addColumn('limit_ueau', 'bigint', (c) => c.notNull())
          .addColumn('spent_ueau', 'bigint', (c) => c.notNull())
          .addColumn('budget_window', 'text', (c) => c.notNull())
          .execute();
        if (dialect === 'sqlite') {
          await sql`CREATE TRIGGER treasury_entries_no_update BEFORE UPDATE ON treasury_entries BEGIN SELECT RAISE(ABORT, 'treasury_entries is append-only: post a reversing transaction'); END`.execute(
            db,
          );
          await sql`CREATE TRIGGER treasury_entries_no_delete BEFORE DELETE ON treasury_entries BEGIN SELECT RAISE(ABORT, 'treasury_entries is append-only: post a reversing transaction'); END`.execute(
            db,
          );
        } else {
          await sql`CREATE OR REPLACE FUNCTION treasury_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'treasury_entries is append-only: post a reversing transaction'; END $$`.execute(db);
          await sql`CREATE TRIGGER treasury_entries_append_only BEFORE UPDATE OR DELETE ON treasury_entries FOR EACH ROW EXECUTE FUNCTION treasury_refuse_change()`.execute(
            db,
          );
          await sql`CREATE OR REPLACE FUNCTION treasury_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE bad record;
            BEGIN
              SELECT unit, SUM(amount) AS total INTO bad FROM treasury_entries
                WHERE workspace_id = NEW.workspace_id AND transaction_id = NEW.transaction_id
                GROUP BY unit HAVING SUM(amount) <> 0 LIMIT 1;
              IF FOUND THEN
                RAISE EXCEPTION 'transaction % does not balance: % sums to %', NEW.transaction_id, bad.unit, bad.total;
              END IF;
              RETURN NULL;
            END $$`.execute(db);
          await sql`CREATE CONSTRAINT TRIGGER treasury_entries_balanced AFTER INSERT ON treasury_entries
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION treasury_check_balanced()`.execute(db);
        }
      },
    },
    '2026-11-22-002-intents-escrow': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('treasury_intents')
          .addColumn('workspace_id', 'text', (c) => c.notNull())
          .addColumn('intent_id', 'text', (c) => c.notNull())
          .addColumn('workflow_id', 'text', (c) => c.notNull())
          .addColumn('scope_type', 'text', (c) => c.notNull())
          .addColumn('scope_id', 'text', (c) => c.notNull())
          .addColumn('cap_amount', 'bigint', (c) => c.notNull())
          .addColumn('spent_amount', 'bigint', (c) => c.notNull())
          .addColumn('budget_window', 'text', (c) => c.notNull())
          .addColumn('ttl_ms', 'bigint', (c) => c.notNull())
          .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('velocity_limit', 'integer', (c) => c.notNull())
          .addColumn('spends_in_window', 'integer', (c) => c.notNull())
          .addColumn('window_started_ms', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('treasury_intents_pk', ['workspace_id', 'intent_id'])
          .execute();
        await db.schema
          .createTable('treasury_escrows')
          .addColumn('workspace_id', 'text', (c) => c.notNull())
          .addColumn('escrow_id', 'text', (c) => c.notNull())
          .addColumn('contract_id', 'text', (c) => c.notNull())
          .addColumn('payer_account', 'text', (c) => c.notNull())
          .addColumn('payee_account', 'text', (c) => c.notNull())
          .addColumn('amount', 'bigint', (c) => c.notNull())
          .addColumn('unit', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('treasury_escrows_pk', ['workspace_id', 'escrow_id'])
          .execute();
      },
    },
  };
}

export async function migrateTreasury(database: Database<unknown>): Promise<void> {
  await migrateToLatest(database, 'treasury', migrations(database.dialect));
}
