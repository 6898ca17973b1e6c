/**
 * The machine GUID of MSNP13+ (MSNP13-18.md §8.2 `<MachineGuid>` in `UUX`; §10.1, the same GUID is
 * the endpoint's identity from MSNP16): stable per installation, so a contact's client and the
 * server see the same endpoint every time this installation signs in. Ours is also per account,
 * so two accounts on one machine cannot be linked by it: a name-based UUID (RFC 9562 §5.8 shape,
 * version 8) from the installation's secret and the account, written braced in capitals as WLM
 * writes it (§13.1: `{0A1B2C3D-4E5F-4061-9273-8495A6B7C8D9}`).
 */
import { createHash } from 'node:crypto';
import { normalizeHandle } from '../../../shared/msnp';

export function machineGuid(installationSecret: string | Uint8Array, handle: string): string {
  const h = createHash('sha256').update('monarch machine guid\0').update(installationSecret).update('\0').update(normalizeHandle(handle)).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x80; // version 8: custom, name-based
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80; // RFC variant
  const hex = h.subarray(0, 16).toString('hex').toUpperCase();
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}}`;
}
