// Public face of core/: shared types and helpers. Imports nothing else of ours.
export * from './severity.ts';
export * from './event.ts';
export * from './alert.ts';
export * from './finding.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './repository.ts';
export * from './time.ts';
export * from './config.ts';
export * from './logsource-mapping.ts';
