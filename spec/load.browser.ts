/**
 * spec/load.ts for a browser build (msw/, bundled by esbuild, which picks this file in place
 * of load.ts): the same names, no file system. The document is the module the bundler
 * generates from spec/openapi.yaml at build time (msw/build.ts); validators are compiled at
 * load (no compiled cache); nothing is written.
 */
import * as ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenAPIV3_1 } from 'openapi-types';
import bundled from 'virtual:vaero-openapi-document';
import type { CompiledCache } from './load.js';

const unavailable = (what: string) => (): never => {
  throw new Error(`vaero-contract: ${what} is not available in a browser build`);
};

export const specPath = '';
export const specText = '';
export const loadAjv = (): typeof import('ajv/dist/2020.js') => ajv2020 as unknown as typeof import('ajv/dist/2020.js');
export const loadAjvFormats = (): ((ajv: Ajv2020) => Ajv2020) => addFormats as unknown as (ajv: Ajv2020) => Ajv2020;
export const loadStandalone = unavailable('the compiled cache') as () => typeof import('ajv/dist/standalone/index.js').default;
export const compiledCachePath = '';
export const compiledCacheKey = unavailable('the compiled cache') as (text?: string) => string;
export const readCompiledCache = (_file: string, _key?: string): CompiledCache | undefined => undefined;
export const compiledResponsesPath = '';
export const responsesCacheBeside = (file: string): string => file;
export const readCompiledResponses = (_file: string, _key: string): Record<string, ValidateFunction> | undefined => undefined;
export const cache: CompiledCache | undefined = undefined;
export const loadedFrom: 'cache' | 'compiled' = 'compiled';
export const document: OpenAPIV3_1.Document = bundled;
export const jsonRoundTrips = (_doc: unknown): boolean => true;
export const writeFileAtomic = unavailable('writing files') as (file: string, text: string) => void;
