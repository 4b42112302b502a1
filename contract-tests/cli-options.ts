/** Option parsers shared by every command that judges (vaero test, vaero proxy, vaero judge), so one flag reads the same in each. */
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

/** A whole number from `min` (to `max`, when given). */
export function positiveInt(name: string, min = 0, max?: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || (max !== undefined && Number(v) > max)) {
      throw new InvalidArgumentError(`${name} must be a whole number${max !== undefined ? ` from ${min} to ${max}` : min ? ` of at least ${min}` : ''}`);
    }
    return Number(v);
  };
}

/** 16777216, 512KiB, 16MiB, 1GiB: bytes. */
export function byteSize(name: string) {
  return (v: string): number => {
    const m = /^(\d+)(KiB|MiB|GiB)?$/i.exec(v.trim());
    const bytes = m ? Number(m[1]) * 1024 ** ['', 'kib', 'mib', 'gib'].indexOf((m[2] ?? '').toLowerCase()) : NaN;
    if (!m || !(bytes >= 1)) throw new InvalidArgumentError(`${name} must be a size of at least 1 byte: bytes (16777216) or with a unit (512KiB, 16MiB)`);
    return bytes;
  };
}
