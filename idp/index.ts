export { DEMO_CITIZENS, type DemoCitizen, findCitizen } from "./citizens.js";
export { DEV_IDP_DEFAULT_PORT, devIdentityProviderOptionsFromEnv } from "./env-options.js";
export {
  DEV_SCOPES,
  type DevClient,
  type DevIdentityProvider,
  type DevIdentityProviderOptions,
  DevIdentityProviderRefused,
  assertNotProduction,
  startDevIdentityProvider,
} from "./provider.js";
