/**
 * Failures as shell scripts that reproduce them in a fresh shell: a failing request often
 * names things the run made earlier (a file it uploaded, a job it created) and has since
 * deleted or cancelled. The script makes them again first, captures their new ids in shell
 * variables, writes every uploaded file with printf, then sends the steps and the failing
 * request with those ids.
 */
import type { Exchange, RecordedRequest } from './exchange.js';
import { toCurl } from './curl.js';
import { escapeUnsafe } from '../escape.js';

/** The requests that make something a later request can name by id. */
const CREATORS: Record<string, string> = { createFineTuningJob: 'JOB', uploadFile: 'FILE' };

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Prints the id of the JSON object read on stdin (node is there: the suite runs on it). */
const ID_FUNCTION = `vaero_id() { node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{const id=JSON.parse(s).id;if(!id){console.error(s);process.exit(1)}console.log(id)})'; }`;

export class Provenance {
  /** id -> the exchange whose answer handed it out. */
  private readonly creators = new Map<string, Exchange>();

  record(ex: Exchange): void {
    if (!ex.operationId || !CREATORS[ex.operationId] || ex.response?.status !== 200) return;
    const id = (ex.response.json as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && id.length >= 4) this.creators.set(id, ex);
  }

  /** The run's ids a request names, with the exchanges that made them (before it). */
  private named(req: RecordedRequest, before: number): [string, Exchange][] {
    const text = [req.url, req.body ?? '', ...Object.values(req.multipart?.fields ?? {}).flat()].join('\n');
    return [...this.creators].filter(([id, ex]) => ex.seq < before && text.includes(id));
  }

  /**
   * A script that replays `exchanges` (the last is the failing one) in a fresh shell given
   * only the tokens it names: it stops at once, saying which, when one is not set. A
   * server's control and bidi characters in it are shown escaped.
   */
  script(exchanges: readonly Exchange[]): string {
    const needed = new Map<string, Exchange>();
    const visit = (ex: Exchange) => {
      for (const [id, creator] of this.named(ex.request, ex.seq)) {
        if (needed.has(id) || exchanges.includes(creator)) continue;
        needed.set(id, creator);
        visit(creator);
      }
    };
    exchanges.forEach(visit);
    const setup = [...needed].sort((a, b) => a[1].seq - b[1].seq);
    const vars = new Map<string, string>();
    const counters: Record<string, number> = {};
    for (const [id, ex] of setup) {
      const prefix = CREATORS[ex.operationId!]!;
      counters[prefix] = (counters[prefix] ?? 0) + 1;
      vars.set(id, `${prefix}_${counters[prefix]}`);
    }
    // Longest first, so an id that contains another is replaced whole. Ids sit inside single quotes.
    const byLength = [...vars].sort((a, b) => b[0].length - a[0].length);
    const substitute = (curl: string) => byLength.reduce((text, [id, name]) => text.split(id).join(`'"$${name}"'`), curl);

    const lines: string[] = ['#!/bin/sh', '# Reproduces the failure in a fresh shell.'];
    const sent = [...setup.map(([, ex]) => ex), ...exchanges].map((ex) => ex.curl).join('\n');
    if (/\$VAERO_TOKEN\b/.test(sent)) lines.push(`: "\${VAERO_TOKEN:?set VAERO_TOKEN to organization A's key (vaero test printed it at its top when it generated it)}"`);
    if (/\$VAERO_TOKEN_B\b/.test(sent)) lines.push(`: "\${VAERO_TOKEN_B:?set VAERO_TOKEN_B to the second organization's key}"`);
    if (setup.length) lines.push(ID_FUNCTION);
    const writeFiles = (req: RecordedRequest) => {
      for (const f of req.multipart?.files ?? []) {
        if (f.text !== undefined) lines.push(`printf '%s' ${quote(f.text)} > ${quote(f.filename)}`);
        else if (f.base64 !== undefined) lines.push(`printf '%s' ${quote(f.base64)} | base64 -d > ${quote(f.filename)}`);
        else lines.push(`# ${f.filename}: a file of ${f.bytes} bytes (too long to write here)`);
      }
    };
    // Quiet curls: no progress meter, errors still shown; each answer's body on its own line.
    // (A body whose bytes are not plain text comes first, from `printf '...' |`.)
    const curl = (ex: Exchange) => substitute(toCurl(ex.request)).replace(/^((?:printf [^\n]*? \| )?)curl --request /, '$1curl --silent --show-error --request ');
    for (const [id, ex] of setup) {
      writeFiles(ex.request);
      lines.push(`# #${ex.seq} made ${JSON.stringify(id)}; this run makes its own:`, `${vars.get(id)}=$(${curl(ex)} | vaero_id)`);
    }
    for (const ex of exchanges) {
      writeFiles(ex.request);
      lines.push(`# #${ex.seq}${ex === exchanges[exchanges.length - 1] ? ' (the failing request)' : ''}: answered ${ex.response?.status ?? `nothing (${ex.error})`}`, curl(ex), 'echo');
    }
    return escapeUnsafe(lines.join('\n') + '\n');
  }
}
