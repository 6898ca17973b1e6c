import { describe, expect, it } from 'vitest';
import { oimLockKey } from '../../../shared/msnp/index';
import { LockKeys } from './lock-keys';

describe('OIM lock keys (MSNP13-18.md §9.2)', () => {
  it("accepts only the QRY answer to the sender's own challenge, with a product id valid for the dialect", () => {
    let t = 0;
    const keys = new LockKeys(1000, () => t);
    expect(keys.verify('a@x.com', 'PROD0119GSJUC$18', '', 15)).toBe(false);
    const c = keys.challengeFor('a@x.com');
    expect(c).toMatch(/^\d{20}$/);
    expect(keys.challengeFor('a@x.com')).toBe(c); // held until it expires: two clients answer the same one
    const key = oimLockKey(c);
    expect(keys.verify('a@x.com', 'PROD0119GSJUC$18', key, 15)).toBe(true);
    expect(keys.verify('a@x.com', 'PROD0119GSJUC$18', key.toUpperCase(), 15)).toBe(true);
    expect(keys.verify('b@x.com', 'PROD0119GSJUC$18', key, 15)).toBe(false); // another sender's answer
    expect(keys.verify('a@x.com', 'PROD0118R6%2WYOS', key, 15)).toBe(false); // another product's
    expect(keys.verify('a@x.com', 'PROD0119GSJUC$18', '0'.repeat(32), 15)).toBe(false);
    t = 1000;
    expect(keys.verify('a@x.com', 'PROD0119GSJUC$18', key, 15)).toBe(false); // expired
    expect(keys.challengeFor('a@x.com')).not.toBe(c);
  });
});
