/** The scripted demo for the bundled local server (see README.md). */
export { provisionDemo, type DemoAccountsApi, type DemoBotAccount, type DemoProvision, type DemoUserAccount, type ProvisionDemoOptions } from './provision';
export { startDemoBots, type DemoBotStatus, type DemoBotsController, type StartDemoBotsOptions } from './demo-bots';
export { DEMO_CAST, DEMO_USER, isDemoHandle, type DemoCharacter, type DemoLines, type DemoMood } from './cast';
export { DEFAULT_DEMO_TIMINGS, type DemoTimings } from './timings';
export { seededRandom, type RandomSource } from './replies';
export { msnClientFactory, type DemoClient, type DemoClientFactory, type DemoLog, type DemoServer } from './demo-client';
export type { DemoBotPhase } from './bot';
export { demoPicture } from './pictures';
