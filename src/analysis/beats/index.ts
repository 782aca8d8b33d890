export * from './analyze-beats.js';
export * from './beat-track.js';
export * from './fft.js';
export * from './mel-filterbank.js';
export * from './onset-strength.js';
export * from './tempo.js';
export * from './metrical-level.js';
