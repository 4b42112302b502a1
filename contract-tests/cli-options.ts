/** Option parsers shared by every command that judges (vaero test, vaero proxy, vaero judge). */
import { InvalidArgumentError } from 'commander';
import type { Level } from './level.js';
import type { Profile } from './report.js';

export function parseProfile(v: string): Profile {
  if (v !== 'core' && v !== 'full') throw new InvalidArgumentError('must be core or full');
  return v;
}

export function parseLevel(v: string): Level {
  if (v !== 'reference' && v !== 'contract') throw new InvalidArgumentError('must be reference or contract');
  return v;
}
