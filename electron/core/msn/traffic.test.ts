import { describe, expect, it } from 'vitest';
import { maskPassportHeader, maskPayload, maskedLine } from './traffic';

describe('traffic masking', () => {
  it('masks our login answers and cookies but keeps server challenges', () => {
    expect(maskedLine('out', 'USR', 4, ['MD5', 'S', '7f919fab309532df353c901430df36fa'])).toBe('USR 4 MD5 S ***');
    expect(maskedLine('in', 'USR', 3, ['MD5', 'S', '1013928519.693957190'])).toBe('USR 3 MD5 S 1013928519.693957190');
    expect(maskedLine('out', 'USR', 1, ['alice@hotmail.com', '17262740.1050826919.32308'])).toBe('USR 1 alice@hotmail.com ***');
    expect(maskedLine('out', 'ANS', 1, ['bob@hotmail.com', '849102291.520491113', '11752013'])).toBe('ANS 1 bob@hotmail.com *** 11752013');
    expect(maskedLine('in', 'RNG', undefined, ['11752013', '10.0.0.20:1863', 'CKI', 'c00kie', 'alice@hotmail.com', 'Alice'])).toBe(
      'RNG 11752013 10.0.0.20:1863 CKI *** alice@hotmail.com Alice',
    );
    expect(maskedLine('in', 'USR', 1, ['OK', 'alice@hotmail.com', 'Alice'])).toBe('USR 1 OK alice@hotmail.com Alice');
  });

  it('masks MSPAuth in the profile and the Passport password and ticket', () => {
    const profile = new TextEncoder().encode('MIME-Version: 1.0\r\nMSPAuth: 5kHqVpF2$$\r\nsid: 507\r\n\r\n');
    expect(maskPayload('MSG', profile)).toBe('MIME-Version: 1.0\r\nMSPAuth: ***\r\nsid: 507\r\n\r\n');
    expect(maskPassportHeader('Passport1.4 OrgVerb=GET,sign-in=a%40b.c,pwd=s3cr%2Ct,lc=1033')).toBe('Passport1.4 OrgVerb=GET,sign-in=a%40b.c,pwd=***,lc=1033');
    expect(maskPassportHeader("Passport1.4 da-status=success,from-PP='t=abc&p=def',ru=x")).toBe("Passport1.4 da-status=success,from-PP='***',ru=x");
  });
});
