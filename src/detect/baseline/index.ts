// Public face of detect/baseline: per-entity behaviour baselines (volume, hours, geography/networks)
// and the login-geography watch built on them. Pure: state in, state out; time is the event's time.
export * from './volume.ts';
export * from './hours.ts';
export * from './geo.ts';
export * from './country.ts';
export * from './alerts.ts';
export * from './login-watch.ts';
