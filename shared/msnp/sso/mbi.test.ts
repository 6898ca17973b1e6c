import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { base64Decode } from '../bytes';
import { isCodecError } from '../errors';
import { mbiKeyOld, mbiKeyOldParts, verifyMbiKeyOld } from './mbi';

// MSNP13-18.md §4.5 "Test vectors" (vector 1 published by msnpiki; vector 2 and the two §13
// transcript proofs computed with node:crypto there).
const VECTORS = [
  {
    name: 'vector 1 (published, 23-byte secret)',
    secret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    nonce: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    iv: '0000000000000000',
    key2: '51fecc58efdcf0b3a156dd7fb63b2b35525abb6e44fb28bc',
    key3: '5fb82627f21ddea543ca19997f4ad06e16aa09a623b78152',
    hash: 'ed7813e6886f6997685ddad651470c1761bc38ad',
    cipher:
      '89a21c9870ae65e4c2528ad69bdf7b1cc4978afd1417714af42fe476640f42100ce7d22ce653348ca762d977149b1ed9eec429a9b60b6849c1e9f44dba1e3415900f5827180afc73',
    proof:
      'HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAAAAAAAAAAA7XgT5ohvaZdoXdrWUUcMF2G8OK2JohyYcK5l5MJSitab33scxJeK/RQXcUr0L+R2ZA9CEAzn0izmUzSMp2LZdxSbHtnuxCmptgtoScHp9E26HjQVkA9YJxgK/HM=',
  },
  {
    name: 'vector 2 (24-byte secret)',
    secret: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX',
    nonce: 'Fhbzd+Dn2WYdrrfZHFhmajxfLLkFVBcbV6xI+Q2k/ZXH0wbdjq4S7dKvIBd4K5Tx',
    iv: '0001020304050607',
    key2: '06af2ac1f46df3fde6e65fef60a13bd21eabb69f09a542c0',
    key3: '2dd0114b936beb17cc1d7fa10191010bb4b7b487404c43e3',
    hash: 'ac94a58f99a6af9f8393567beb7e8033f6dc8f82',
    cipher:
      '414bca40e7d9f30adcca84aa630979fefe04a97ad4544e3f18ba5783104a094a4751abbe6e4a168c73ccf1da6ba2bb570abe632372d04f722a2d5e069b8cce969a6731e688f8433b',
    proof:
      'HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAABAgMEBQYHrJSlj5mmr5+Dk1Z7636AM/bcj4JBS8pA59nzCtzKhKpjCXn+/gSpetRUTj8YuleDEEoJSkdRq75uShaMc8zx2muiu1cKvmMjctBPciotXgabjM6Wmmcx5oj4Qzs=',
  },
] as const;

// §4.5 "Two further vectors used only in the transcripts of §13".
const TRANSCRIPT_PROOFS = [
  {
    secret: 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3',
    nonce: 'QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5v',
    iv: '1112131415161718',
    proof:
      'HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAABESExQVFhcYcnUffxK7+oVqGeIuBPOFqi9nrL3ZaAIBuUwjL9rve0+5scZRi8k2TvoOeZUwQYN7Whj/KVjA2Xm2Lyqo4zfN8AXYcoicB0jIYoxm4ZZK7bbsjqXs5xFLSwRWpCI=',
  },
  {
    secret: 'gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaX',
    nonce: 'kJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/',
    iv: '2122232425262728',
    proof:
      'HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAACEiIyQlJicomE4UQsfwDQQ0PichTFc1ZiFTmbjf5pGRe+9gLTEXWANeIUAeZUMKoSUSW+xglk1dJUi85f5/OV9yrwuXSvuG0K6OaOR74g9enyJc1sskkC4Zg0k35T5UsVtGw+c=',
  },
] as const;

describe('MBI_KEY_OLD (MSNP13-18.md §4.5)', () => {
  for (const v of VECTORS) {
    it(`${v.name}: every intermediate value and the proof`, () => {
      const parts = mbiKeyOldParts(base64Decode(v.secret)!, v.nonce, hexToBytes(v.iv));
      if (isCodecError(parts)) throw new Error(parts.message);
      expect(bytesToHex(parts.key2)).toBe(v.key2);
      expect(bytesToHex(parts.key3)).toBe(v.key3);
      expect(bytesToHex(parts.hash)).toBe(v.hash);
      expect(bytesToHex(parts.cipher)).toBe(v.cipher);
      expect(mbiKeyOld(v.secret, v.nonce, hexToBytes(v.iv))).toBe(v.proof);
      expect(v.proof).toHaveLength(172);
    });
  }

  for (const v of TRANSCRIPT_PROOFS) {
    it(`§13 transcript proof for secret ${v.secret}`, () => {
      expect(mbiKeyOld(v.secret, v.nonce, hexToBytes(v.iv))).toBe(v.proof);
    });
  }

  it('the server verifies every published proof and rejects any changed byte, nonce or secret', () => {
    for (const v of [...VECTORS, ...TRANSCRIPT_PROOFS]) {
      expect(verifyMbiKeyOld(v.secret, v.nonce, v.proof)).toBe(true);
      expect(verifyMbiKeyOld(v.secret, v.nonce.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), v.proof)).toBe(false);
      expect(verifyMbiKeyOld('AQECAwQFBgcICQoLDA0ODxAREhMUFRYX', v.nonce, v.proof)).toBe(false);
    }
    const blob = base64Decode(VECTORS[1].proof)!;
    for (let i = 0; i < blob.length; i += 7) {
      const bad = blob.slice();
      bad[i] = (bad[i] as number) ^ 1;
      expect(verifyMbiKeyOld(VECTORS[1].secret, VECTORS[1].nonce, btoa(String.fromCharCode(...bad)))).toBe(false);
    }
  });

  it('bad inputs are error values or false, never a throw', () => {
    expect(isCodecError(mbiKeyOld('not base64!', 'x'.repeat(64), new Uint8Array(8)))).toBe(true);
    expect(isCodecError(mbiKeyOld('AAAA', 'x'.repeat(64), new Uint8Array(7)))).toBe(true);
    expect(isCodecError(mbiKeyOld('AAAA', 'x'.repeat(63), new Uint8Array(8)))).toBe(true);
    expect(isCodecError(mbiKeyOld('AAAA', 'has space'.padEnd(64, 'x'), new Uint8Array(8)))).toBe(true);
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (secret, nonce, proof) => {
        expect(typeof verifyMbiKeyOld(secret, nonce, proof)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('round trip: any secret, 64-character nonce and IV verify', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.stringMatching(/^[A-Za-z0-9+/]{64}$/),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        (secret, nonce, iv) => {
          const secretB64 = btoa(String.fromCharCode(...secret));
          const proof = mbiKeyOld(secretB64, nonce, iv);
          if (isCodecError(proof)) throw new Error(proof.message);
          expect(proof).toHaveLength(172);
          expect(verifyMbiKeyOld(secretB64, nonce, proof)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
