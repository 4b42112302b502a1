/**
 * Hostile servers: not one rule broken by a careful implementation, but servers shaped
 * unlike ours that once hung the judge, exhausted its memory or took over the terminal.
 * Each is the real stub behind a front (front.ts) and declares the exit code `vaero test`
 * must end with, within the run's deadline and the memory bound.
 */
import { Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { json, withJson, type FrontRequest, type Mutant } from './front.js';

export interface Hostile extends Mutant {
  exit: 1 | 3;
  /** Flags the run needs (short timeouts, so each case ends in seconds). */
  args: string[];
}

const LIST = '/fine_tuning/jobs';
const isList = (r: FrontRequest) => r.method === 'GET' && r.path === LIST;

/** The server's ids with `.v2` appended on the way out, taken off on the way in (a proxy that versions ids). */
const FILE_ID = /\b(file-[A-Za-z0-9_-]+)(?![A-Za-z0-9_.-])/g;

/** `bytes` of a JSON job list that never closes, produced as it is read (never held). */
function endlessList(bytes: number): Readable {
  const item = Buffer.from(JSON.stringify({ id: 'ftjob-x', object: 'fine_tuning.job', status: 'queued', padding: 'x'.repeat(4000) }) + ',');
  let sent = 0;
  return new Readable({
    read() {
      if (sent === 0) {
        sent += 25;
        this.push('{"object":"list","data":[');
        return;
      }
      if (sent >= bytes) return void this.push(null);
      sent += item.length;
      this.push(item);
    },
  });
}

function stream(res: ServerResponse, body: Readable): true {
  res.writeHead(200, { 'content-type': 'application/json' });
  body.pipe(res);
  // A reader that stops (the judge at its cap) closes the connection: stop producing.
  res.on('close', () => body.destroy());
  return true;
}

/** Terminal control: set the window title, clear the screen; and a right-to-left override. */
export const ESCAPES = '\u001b]0;owned\u0007\u001b[2J\u202egnp.exe';

export const hostile: Hostile[] = [
  {
    name: 'file-ids-off-pattern',
    fault: 'A proxy appends .v2 to every file id it answers (and takes it off requests): ids outside the spec\'s pattern, which the generated bodies then reuse.',
    breaks: 'file.id',
    exit: 1,
    args: [],
    request: (r) => ({ ...r, path: r.path.replace(/\.v2/g, ''), body: Buffer.from(r.body.toString('latin1').replace(/\.v2/g, ''), 'latin1') }),
    response: (_r, res) => ({ ...res, body: Buffer.from(res.body.toString('utf8').replace(FILE_ID, '$1.v2')) }),
  },
  {
    name: 'answers-500-mb',
    fault: 'Every job list is 500 MB of JSON (sent as it is read).',
    breaks: 'response.size',
    exit: 1,
    args: [],
    raw: (r, res) => isList(r) && stream(res, endlessList(500 * 1024 * 1024)),
  },
  {
    name: 'answers-never-end',
    fault: 'After normal answers to the probe (one per token), every answer starts and never ends.',
    // Named as a server gone; what it kept from being judged, isolation among it, is not judged.
    breaks: 'tenancy.isolation',
    exit: 3,
    args: ['--request-timeout', '2s'],
    raw: (_r, res, index) => {
      if (index < 2) return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"object":"list","data":[');
      return true;
    },
  },
  {
    name: 'escape-sequences-in-fields',
    fault: 'A created job\'s status holds terminal escape sequences and a bidi override.',
    breaks: 'job.status',
    exit: 1,
    args: [],
    response: (r, res) => {
      const job = json(res) as { status?: string } | undefined;
      return r.method === 'POST' && r.path === LIST && res.status === 200 && job ? withJson(res, { ...job, status: `queued${ESCAPES}` }) : res;
    },
  },
  {
    name: 'list-object-page',
    fault: 'Job lists say "object": "page" (with a data array of jobs).',
    breaks: 'list.shape',
    exit: 1,
    args: [],
    response: (r, res) => {
      const list = json(res) as { object?: string } | undefined;
      return isList(r) && res.status === 200 && list ? withJson(res, { ...list, object: 'page' }) : res;
    },
  },
];
