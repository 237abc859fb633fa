// NATS-style subject filters over event types: tokens split on '.', '*' matches exactly one
// token, '>' (last token only) matches one or more. The same grammar as JetStream subjects, so a
// filter means the same thing on both adapters.

/** Tokens in a filter; event types have 3-5, so this is generous. */
export const FILTER_TOKENS_MAX = 16;

export interface FilterIssue {
  readonly path: 'filter';
  readonly rule: string;
  readonly message: string;
}

export function checkFilter(filter: string): FilterIssue | undefined {
  const tokens = filter.split('.');
  if (filter.length === 0 || tokens.length > FILTER_TOKENS_MAX)
    return { path: 'filter', rule: 'tokens', message: `filter: must have 1-${FILTER_TOKENS_MAX} dot-separated tokens` };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '') return { path: 'filter', rule: 'empty-token', message: `filter: token ${i + 1} is empty` };
    if (token === '>' && i !== tokens.length - 1)
      return { path: 'filter', rule: 'wildcard-position', message: `filter: '>' may only be the last token` };
    if (token !== '*' && token !== '>' && !/^[A-Za-z0-9_-]+$/.test(token))
      return {
        path: 'filter',
        rule: 'token-characters',
        message: `filter: token '${token}' must be letters, digits, '_' or '-', or a wildcard`,
      };
  }
  return undefined;
}

/** A compiled matcher; '>' alone (or no filter) matches everything. */
export function subjectMatcher(filter: string | undefined): (eventType: string) => boolean {
  if (filter === undefined || filter === '>') return () => true;
  const issue = checkFilter(filter);
  if (issue) throw new Error(issue.message);
  const pattern = filter
    .split('.')
    .map((t) => (t === '*' ? '[^.]+' : t === '>' ? '[^.]+(?:\\.[^.]+)*' : t.replace(/[-]/g, '\\-')))
    .join('\\.');
  const regex = new RegExp(`^${pattern}$`);
  return (eventType) => regex.test(eventType);
}
