import { describe, expect, it } from 'vitest';
import { clientChallengeResponse, md5LoginResponse, qryMd5, qryMsnp11, verifyChallengeResponse } from './auth';

describe('MD5 login (MSNP.md §3.2)', () => {
  it.each([
    ['1013928519.693957190', 'password', '7f919fab309532df353c901430df36fa'],
    ['1234567890.123456789', 'password', 'f59af8f2fa91d38aff7c870c17f99903'],
  ])('md5(%s + %s)', (challenge, password, expected) => {
    expect(md5LoginResponse(challenge, password)).toBe(expected);
  });
});

describe('QRY MSNP6–10 (MSNP.md §3.5.1)', () => {
  it.each([
    ['15570131571988941333', 'Q1P7W2E4J9R8U3S5', '8f2f5a91b72102cd28355e9fc9000d6e'],
    ['29409134351025259292', 'Q1P7W2E4J9R8U3S5', 'd0c1178c689350104350d99f8c36ed9c'],
    ['11111111111111111111', 'Q1P7W2E4J9R8U3S5', '3b6666b60157322b6fc6e41a115968f5'],
    ['15570131571988941333', 'VT6PX?UQTM4WM%YR', 'ca90e6a7c94a14aae7b3ae0f6018433e'],
  ])('md5(%s + %s)', (challenge, key, expected) => {
    expect(qryMd5(challenge, key)).toBe(expected);
  });
});

describe('QRY MSNP11 (MSNP.md §3.5.4, every public vector)', () => {
  it.each([
    ['22210219642164014968', '85ecb0db8f32113df79ce0892b9a102c'],
    ['36819795137093047918', 'e7ad3cb09d3e9e4e7c720175984809e9'],
    ['21948129323261853323', '59bcf63ed21f44906c3d3e121ddbed65'],
    ['41525959199453244913', 'dcb8ff529e4dd12cc43389851128d2db'],
    ['31744216663023315951', 'd15553d0ea89c9f63bbb98a208fa4235'],
    ['14494180082586329971', '4e11d4cd56a65bdf04f60aa133db7ebc'],
  ])('PROD0090YUAUV{2B: %s', (challenge, expected) => {
    expect(qryMsnp11(challenge, 'PROD0090YUAUV{2B', 'YMM8C_H7KCQ2S_KL')).toBe(expected);
  });

  it.each([
    ['11533365622852247127', 'f086d1ded067186deca8dba2231602cf'],
    ['237191752526424888127371168', '65b6b623c649c25629af048d34066040'],
  ])('PROD0113H11T8$X_: %s', (challenge, expected) => {
    expect(qryMsnp11(challenge, 'PROD0113H11T8$X_', 'RG@XY*28Q5QHS%Q5')).toBe(expected);
  });
});

describe('challenge round trip between our client and server', () => {
  it.each([6, 8, 10, 11, 12] as const)('MSNP%i', (dialect) => {
    const { productId, answer } = clientChallengeResponse(dialect, '15570131571988941333');
    expect(verifyChallengeResponse(dialect, '15570131571988941333', productId, answer)).toBe(true);
    expect(verifyChallengeResponse(dialect, '15570131571988941334', productId, answer)).toBe(false);
  });

  it('rejects the old algorithm in MSNP11', () => {
    expect(verifyChallengeResponse(11, '15570131571988941333', 'msmsgs@msnmsgr.com', '8f2f5a91b72102cd28355e9fc9000d6e')).toBe(false);
    expect(verifyChallengeResponse(8, '15570131571988941333', 'msmsgs@msnmsgr.com', '8f2f5a91b72102cd28355e9fc9000d6e')).toBe(true);
  });

  it('rejects unknown product ids', () => {
    expect(verifyChallengeResponse(8, '1', 'nobody', '00000000000000000000000000000000')).toBe(false);
  });
});
