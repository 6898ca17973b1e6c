import type { ParseOutput } from '../../shared/msnp/parser';

/** A cheap exact fingerprint of parser output, so that thousands of split points compare fast. */
export function fingerprint(out: readonly ParseOutput[]): string {
  let s = '';
  for (const o of out) {
    if (o.kind === 'error') s += `E:${o.code}:${o.message}\n`;
    else s += `C:${o.verb}:${o.trId ?? '-'}:${o.params.join(' ')}:${o.payload === undefined ? '-' : Buffer.from(o.payload).toString('hex')}\n`;
  }
  return s;
}
