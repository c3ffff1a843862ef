import { buildIfStale } from './buildIfStale';

// `npm start`: the whole evaluator on the embedded demo hall — build if needed, then the host.
buildIfStale();
await import('../host/main');
