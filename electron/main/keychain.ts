/** The OS keychain for remembered passwords, built on Electron's safeStorage. */
import { safeStorage } from 'electron';
import type { Keychain } from '../core/settings';

export const safeStorageKeychain: Keychain = {
  // Linux without a secret service falls back to a hard-coded key: not worth promising safety.
  available: () =>
    safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
  encrypt: (plain) => new Uint8Array(safeStorage.encryptString(plain)),
  decrypt: (data) => safeStorage.decryptString(Buffer.from(data)),
};
