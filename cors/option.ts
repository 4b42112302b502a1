/** `--cors-origins` (VAERO_CORS_ORIGINS), the same on `vaero stub`, `vaero mock` and `vaero proxy`. */
import { InvalidArgumentError, Option } from 'commander';
import { parseCorsOrigins } from './origin-policy.js';

export function corsOriginsOption(): Option {
  return new Option('--cors-origins <a,b>', 'origins besides loopback ones that may read answers with credentials (cookies, credentials: include)')
    .env('VAERO_CORS_ORIGINS')
    .argParser((value: string) => {
      try {
        return parseCorsOrigins(value);
      } catch (e) {
        throw new InvalidArgumentError((e as Error).message);
      }
    });
}
