// A plain-text journal in the format of the `ledger` and `hledger` command-line tools, so an
// independent program can check the balances: one transaction per block, one posting per entry,
// amounts with their unit as a quoted commodity.
import type { Db } from './accounts.js';

/** Account names in the journal: colons separate levels in ledger, so ids keep theirs. */
const journalAccount = (id: string): string => id.replace(/\s+/g, '_');

export async function exportJournal(db: Db, workspace: string): Promise<string> {
  const transactions = await db
    .selectFrom('treasury_transactions')
    .select(['transaction_id', 'reference_id', 'created_at', 'idempotency_key'])
    .where('workspace_id', '=', workspace)
    .orderBy('created_at')
    .orderBy('transaction_id')
    .execute();
  const entries = await db
    .selectFrom('treasury_entries')
    .select(['transaction_id', 'position', 'account_id', 'unit', 'amount'])
    .where('workspace_id', '=', workspace)
    .orderBy('transaction_id')
    .orderBy('position')
    .execute();
  const byTransaction = new Map<string, typeof entries>();
  for (const e of entries) {
    let list = byTransaction.get(e.transaction_id);
    if (!list) byTransaction.set(e.transaction_id, (list = []));
    list.push(e);
  }
  const lines = [`; Kush treasury journal, workspace ${workspace}`, '; amounts are integers in each account unit (uEAU, mJ)', ''];
  for (const t of transactions) {
    const date = t.created_at.slice(0, 10).replace(/-/g, '/');
    lines.push(`${date} ${t.idempotency_key}  ; ref:${t.reference_id} id:${t.transaction_id}`);
    for (const e of byTransaction.get(t.transaction_id) ?? [])
      lines.push(`    ${journalAccount(e.account_id)}    ${Number(e.amount)} "${e.unit}"`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
