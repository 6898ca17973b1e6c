export * from './schema';
export { NO_KEYCHAIN, type Keychain } from './keychain';
export { writeFileAtomic, type AtomicFs } from './atomic-file';
export {
  SettingsStore,
  SettingsValidationError,
  BUILT_IN_SERVER_PRESETS,
  type AccountSummary,
  type AutoSignIn,
  type OpenSettingsOptions,
  type PasswordOutcome,
  type RememberInput,
  type SettingsListener,
} from './settings-store';
