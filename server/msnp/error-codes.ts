/**
 * Domain errors → the reference's numeric codes (MSNP.md §7), per command where the reference
 * uses different codes for the same problem (`205` for `ADD`, `208` for `ADC` and `CAL`).
 */
import { ErrorCode } from '../../shared/msnp/index';
import type { DomainErrorKind } from '../core/errors';

const DEFAULT: Record<DomainErrorKind, number> = {
  'no-such-user': ErrorCode.INVALID_USER,
  'invalid-handle': ErrorCode.INVALID_PARAMETER,
  'invalid-parameter': ErrorCode.INVALID_PARAMETER,
  'missing-domain': ErrorCode.FQDN_MISSING,
  'bad-name': ErrorCode.INVALID_FRIENDLY_NAME,
  'already-there': ErrorCode.ALREADY_THERE,
  'not-on-list': ErrorCode.NOT_ON_LIST,
  'opposite-list': ErrorCode.ALREADY_IN_OPPOSITE_LIST,
  'list-full': ErrorCode.LIST_FULL,
  'no-such-group': ErrorCode.INVALID_GROUP,
  'not-in-group': ErrorCode.NOT_IN_GROUP,
  'too-many-groups': ErrorCode.TOO_MANY_GROUPS,
  'group-exists': ErrorCode.GROUP_EXISTS,
  'group-name-too-long': ErrorCode.GROUP_NAME_TOO_LONG,
  'cannot-remove-group-zero': ErrorCode.CANNOT_REMOVE_GROUP_ZERO,
  'same-mode': ErrorCode.ALREADY_IN_MODE,
  'too-fast': ErrorCode.CHANGING_TOO_FAST,
  'offline': ErrorCode.USER_OFFLINE,
  'not-allowed-hidden': ErrorCode.NOT_ALLOWED_WHEN_OFFLINE,
  // No documented participant cap (MSNP.md §6.3); 712 ERR_SESSION_OVERLOAD is the closest code.
  'session-full': ErrorCode.SESSION_OVERLOAD,
};

const BY_VERB: Readonly<Record<string, Partial<Record<DomainErrorKind, number>>>> = {
  // MSNP.md §4.5: ADC answers a missing account with 208, not 205.
  ADC: { 'no-such-user': ErrorCode.INVALID_USERNAME },
  // MSNP.md §6.1: CAL: 208 malformed handle, 713 too many invitations too fast.
  CAL: { 'invalid-handle': ErrorCode.INVALID_USERNAME, 'no-such-user': ErrorCode.USER_OFFLINE, 'too-fast': ErrorCode.USER_TOO_ACTIVE },
  XFR: { 'too-fast': ErrorCode.USER_TOO_ACTIVE },
};

/**
 * `603` ERR_DB_CONNECT "database connect error" (MSNP.md §7): a command that needs the store
 * while it cannot be reached. The connection stays up and the client may retry.
 */
export const STORE_UNAVAILABLE_CODE = 603;

export function errorCodeFor(kind: DomainErrorKind, verb: string): number {
  return BY_VERB[verb]?.[kind] ?? DEFAULT[kind];
}

/**
 * The answer to a command over the per-connection rate (server/README.md "Bad input and abuse"):
 * `800` "too many changes too quickly" for list, name, property and presence changes, `713`
 * "too active" for everything else (`CAL`, `XFR`, `MSG`, `SYN`, …) (MSNP.md §7, §8).
 */
const CHANGE_VERBS: ReadonlySet<string> = new Set(['ADD', 'ADC', 'REM', 'ADG', 'RMG', 'REG', 'REA', 'PRP', 'SBP', 'BLP', 'GTC', 'CHG', 'UUX', 'ADL', 'RML']);

export function overRateCode(verb: string): number {
  return CHANGE_VERBS.has(verb) ? ErrorCode.CHANGING_TOO_FAST : ErrorCode.USER_TOO_ACTIVE;
}
