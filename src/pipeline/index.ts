// Public face of pipeline/: in-process wiring of listeners, store and (later) detectors.
export { IngestPipeline, type PipelineOptions, type PipelineStats } from './ingest.ts';
export { startServer, tailParser, type RunningServer, type ServeOptions } from './serve.ts';
export { stderrLogger, silentLogger, ErrorTally, type Logger } from './log.ts';
// File ingestion (`claimguard ingest`), written alongside.
export * from './ingest-files.ts';
