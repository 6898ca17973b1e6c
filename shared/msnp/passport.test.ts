import { describe, expect, it } from 'vitest';
import {
  buildAuthenticationInfo,
  buildPassportAuthorization,
  daLoginUrl,
  parseAuthenticationInfo,
  parsePassportAuthorization,
  parsePassportUrls,
  ticketToken,
} from './passport';

const POLICY = 'lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619';

describe('Passport 1.4 (MSNP.md §3.3)', () => {
  it('reads DALogin from PassportURLs and adds a scheme only when missing', () => {
    const urls = parsePassportUrls('DARealm=Passport.Net,DALogin=login.passport.com/login2.srf,ConfigVersion=15');
    expect(urls.get('DALogin')).toBe('login.passport.com/login2.srf');
    expect(daLoginUrl('login.passport.com/login2.srf')).toBe('https://login.passport.com/login2.srf');
    expect(daLoginUrl('http://127.0.0.1:1865/login2.srf')).toBe('http://127.0.0.1:1865/login2.srf');
    // Without a scheme, the Nexus's own scheme (Passport's was HTTPS); https:// when unknown.
    expect(daLoginUrl('127.0.0.1:1865/login2.srf', 'http://127.0.0.1:1865/rdr/pprdr.asp')).toBe('http://127.0.0.1:1865/login2.srf');
    expect(daLoginUrl('login.live.com/login2.srf', 'https://nexus.passport.com/rdr/pprdr.asp')).toBe('https://login.live.com/login2.srf');
    expect(daLoginUrl('https://x/login2.srf', 'http://127.0.0.1/rdr/pprdr.asp')).toBe('https://x/login2.srf');
  });

  it('builds the Authorization header of the reference and parses it back', () => {
    const h = buildPassportAuthorization('alice@hotmail.com', 's3cr,t', POLICY);
    expect(h).toBe(`Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=alice%40hotmail.com,pwd=s3cr%2Ct,${POLICY}`);
    const parsed = parsePassportAuthorization(h);
    expect(parsed?.handle).toBe('alice@hotmail.com');
    expect(parsed?.password).toBe('s3cr,t');
    expect(parsed?.fields.get('id')).toBe('507');
    expect(parsePassportAuthorization('Basic abc')).toBeUndefined();
  });

  it('extracts the ticket from Authentication-Info (both spellings of da-status)', () => {
    const t = "t=5kHqVpF2qvCbjPQ8HHcJq1xvn6sGxU9Y9k8XnKxHBEzU$$&p=2Pq8x!Fd*7u0bH0Qk3LW$$";
    expect(parseAuthenticationInfo(buildAuthenticationInfo(t))).toEqual({ status: 'success', ticket: t });
    expect(parseAuthenticationInfo(`Passport1.4 dastatus=success,from-PP='${t}'`)).toEqual({ status: 'success', ticket: t });
    expect(parseAuthenticationInfo('Passport1.4 da-status=redir')).toEqual({ status: 'redirect' });
    expect(parseAuthenticationInfo('Passport1.4 da-status=failed,srealm=Passport.NET')).toEqual({ status: 'failed' });
    expect(ticketToken(t)).toBe('5kHqVpF2qvCbjPQ8HHcJq1xvn6sGxU9Y9k8XnKxHBEzU$$');
  });
});
