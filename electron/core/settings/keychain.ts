/**
 * The OS keychain as the settings store sees it. The Electron shell implements it with
 * `safeStorage` (macOS Keychain, Windows DPAPI, libsecret / kwallet on Linux); tests use a fake.
 * Settings never hold a password in any other form.
 */
export interface Keychain {
  /**
   * Can secrets be stored safely right now? The shell should answer false when
   * `safeStorage.isEncryptionAvailable()` is false, and also when Linux falls back to the
   * `basic_text` backend (a hard-coded key: not protection worth promising).
   */
  available(): boolean;
  encrypt(plain: string): Uint8Array;
  /** Throws when the data cannot be decrypted (another machine or user, keychain reset). */
  decrypt(data: Uint8Array): string;
}

/** A keychain that is never available: for hosts without one (web mode, CI). */
export const NO_KEYCHAIN: Keychain = {
  available: () => false,
  encrypt: () => {
    throw new Error('No keychain is available on this system.');
  },
  decrypt: () => {
    throw new Error('No keychain is available on this system.');
  },
};
