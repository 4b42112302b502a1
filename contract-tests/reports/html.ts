/**
 * A single self-contained HTML page (no scripts, styles inline, nothing fetched): the
 * summary at the top, failed checks first, each failure expandable (<details>) to the
 * request as a curl command (token as $VAERO_TOKEN), the response, and the rule with
 * its source in the spec; then every rule of the spec with its verdict.
 */
import type { CheckResult, Failure, Report, RuleResult } from '../report.js';
import { escapeUnsafe } from '../escape.js';

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const json = (v: unknown): string => esc(JSON.stringify(v, null, 2) ?? 'undefined');

const ORDER: Record<CheckResult['status'], number> = { failed: 0, warned: 1, skipped: 2, passed: 3 };

function failureHtml(f: Failure, rule: RuleResult | undefined): string {
  const ex = f.exchange;
  const res = ex?.response;
  return `<details class="failure" data-rule="${esc(f.ruleId)}">
  <summary><span class="badge ${f.severity === 'error' ? 'failed' : 'warned'}">${esc(f.ruleId)}</span> ${esc(f.message)}${f.occurrences > 1 ? ` <span class="muted">(×${f.occurrences})</span>` : ''}</summary>
  <div class="body">
    ${rule ? `<p class="rule">Rule <code>${esc(rule.id)}</code>, ${esc(rule.source)}, severity ${esc(rule.severity)}, stated at <code>${esc(rule.location)}</code> in spec/openapi.yaml: ${esc(rule.why)}</p>` : ''}
    <div class="cols">
      <div><h4>Declared</h4><pre>${json(f.declared)}</pre></div>
      <div><h4>Received</h4><pre>${json(f.received)}</pre></div>
    </div>
    ${f.replay ? `<p>Replay with <code>--seed ${esc(f.replay.seed)}</code>${f.replay.path ? ` (fast-check path <code>${esc(f.replay.path)}</code>)` : ''}; smallest failing case:</p><pre>${json(f.replay.counterexample)}</pre>` : ''}
    ${f.steps?.length ? `<h4>Requests before it</h4>${f.steps.map((st) => `<pre class="curl">${esc(`# #${st.seq} answered ${st.response?.status ?? st.error}\n${st.curl}`)}</pre>`).join('')}` : ''}
    ${f.reproduce ? `<h4>Reproduce in a fresh shell</h4><pre class="reproduce">${esc(f.reproduce)}</pre>` : ''}
    ${
      ex
        ? `<h4>Request</h4><pre class="curl">${esc(ex.curl)}</pre>
    <h4>Response</h4><pre class="response">${res ? esc(`HTTP ${res.status}\n${Object.entries(res.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${res.body}`) : esc(`no response: ${ex.error}`)}</pre>`
        : ''
    }
  </div>
</details>`;
}

function checkHtml(c: CheckResult, rules: Map<string, RuleResult>): string {
  const rule = rules.get(c.ruleId);
  const detail = c.status === 'skipped' ? `<p class="muted">Skipped: ${esc(c.skipReason ?? '')}</p>` : '';
  return `<details class="check" data-check-id="${esc(c.id)}" data-status="${c.status}">
  <summary><span class="badge ${c.status}">${c.status}</span> <strong>${esc(c.id)}</strong> — ${esc(c.title)} <span class="muted">rule ${esc(c.ruleId)}${rule ? ` (${esc(rule.source)})` : ''} · ${c.assertions} assertions · ${c.requests} requests</span></summary>
  <div class="body">${detail}${c.failures.map((f) => failureHtml(f, rules.get(f.ruleId))).join('\n')}</div>
</details>`;
}

/** The page, with a server's control and bidi characters shown escaped (they would reorder or hide what is shown). */
export function toHtml(report: Report): string {
  return escapeUnsafe(page(report));
}

function page(report: Report): string {
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  const checks = [...report.checks].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const s = report.summary;
  const verdict = { conform: 'Conforms', nonconform: 'Does not conform', inconclusive: 'Inconclusive' }[report.outcome];
  const i = report.interruption;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>vaero contract report: ${esc(verdict)} — ${esc(report.baseUrl)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#1b1f24}
h1{font-size:1.4rem;margin:.2rem 0} h2{font-size:1.1rem;margin-top:1.6rem} h4{margin:.6rem 0 .2rem}
.summary{border:2px solid;border-radius:8px;padding:.8rem 1rem} .summary.conform{border-color:#1a7f37;background:#eefbf0} .summary.nonconform{border-color:#cf222e;background:#fff0f0} .summary.inconclusive{border-color:#9a6700;background:#fff8e5}
.counts span{margin-right:1.2rem} .muted{color:#57606a;font-weight:normal}
.badge{display:inline-block;border-radius:4px;padding:0 .4rem;font-size:.8rem;color:#fff;font-family:ui-monospace,monospace}
.badge.failed,.badge.broken{background:#cf222e}.badge.warned,.badge.not-judged{background:#9a6700}.badge.skipped{background:#6e7781}.badge.passed,.badge.held{background:#1a7f37}
details{border:1px solid #d0d7de;border-radius:6px;margin:.35rem 0;padding:.3rem .6rem} details.failure{margin-left:1rem}
summary{cursor:pointer} .body{padding:.3rem 0}
pre{background:#f6f8fa;border-radius:6px;padding:.5rem;overflow:auto;white-space:pre-wrap;word-break:break-all;max-height:28rem}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #d0d7de;padding:.25rem .4rem;text-align:left;vertical-align:top}
</style></head>
<body>
<section class="summary ${report.outcome}" id="summary">
  <h1>${esc(verdict)}: ${esc(report.baseUrl)}</h1>
  <p>${report.traffic ? `Traffic <strong>${esc(report.traffic.source)}</strong> · ${report.traffic.outsideBase} outside the base URL left out · findings: ${report.traffic.findings.client} client, ${report.traffic.findings.server} server${report.traffic.replaced ? ` · ${report.traffic.replaced} answers replaced with a 502 (--strict)` : ''}` : `Profile <strong>${esc(report.profile)}</strong> · seed <code>${esc(report.seed)}</code> (replay with <code>--seed ${esc(report.seed)}</code>)`} · ${report.requests.sent} ${report.traffic ? 'exchanges' : 'requests'} · ${(report.durationMs / 1000).toFixed(1)} s · ${esc(report.spec.title)} ${esc(report.spec.version)} · ${esc(report.startedAt)}</p>
  <p class="counts"><span>Checks: <strong class="n-failed">${s.checks.failed}</strong> failed</span><span><strong>${s.checks.warned}</strong> warned</span><span><strong>${s.checks.skipped}</strong> skipped</span><span><strong class="n-passed">${s.checks.passed}</strong> passed</span></p>
  <p class="counts"><span>Rules: <strong class="n-held">${s.rules.held}</strong> held</span><span><strong class="n-broken">${s.rules.broken}</strong> broken (${s.warnedRules.length} warnings)</span><span><strong class="n-not-judged">${s.rules['not-judged']}</strong> not judged</span><span><strong class="n-skipped">${s.rules.skipped}</strong> skipped</span></p>
  ${s.brokenRules.length ? `<p>Broken rules: ${s.brokenRules.map((r) => `<code>${esc(r)}</code>`).join(', ')}</p>` : ''}
  ${report.inconclusiveBecause.length ? `<p>Inconclusive because:</p><ul>${report.inconclusiveBecause.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}
  ${report.generatedTokens ? `<p>The run generated its tokens (not secrets): ${Object.entries(report.generatedTokens).map(([k, v]) => `<code>${esc(k)}=${esc(v)}</code>`).join(' ')}</p>` : ''}
  ${i ? `<p class="interruption"><strong>The server stopped answering</strong> at request #${i.unanswered.seq} (${esc(i.unanswered.method)} ${esc(i.unanswered.url)}: ${esc(i.unanswered.error)})${i.lastAnswered ? `; the last it answered was #${i.lastAnswered.seq} (${esc(i.lastAnswered.method)} ${esc(i.lastAnswered.url)}, ${i.lastAnswered.status})` : ''}. ${i.notJudgedAfter.length} rules were not judged after it.</p><pre class="curl">${esc(i.unanswered.curl)}</pre>` : ''}
  ${report.cleanup.problems.length ? `<p>Cleanup problems: ${esc(report.cleanup.problems.join('; '))}</p>` : ''}
</section>
<h2>Checks (failures first)</h2>
<div id="checks">
${checks.map((c) => checkHtml(c, rules)).join('\n')}
</div>
<h2>Rules of the spec</h2>
<table id="rules"><thead><tr><th>Rule</th><th>Verdict</th><th>Source</th><th>Severity</th><th>Why</th><th>Checks</th></tr></thead><tbody>
${report.rules.map((r) => `<tr data-rule-id="${esc(r.id)}" data-verdict="${r.verdict}"><td><code>${esc(r.id)}</code><br><span class="muted">${esc(r.location)}</span></td><td><span class="badge ${r.verdict}">${r.verdict}</span><br><span class="muted">${r.held} held${r.failures ? `, ${r.failures} failed` : ''}</span>${r.notJudged.map((n) => `<br><span class="muted">${esc(n.cause)}: ${esc(n.reason)}</span>`).join('')}</td><td>${r.page ? `<a href="${esc(r.page)}">${esc(r.source)}</a>` : esc(r.source)}</td><td>${esc(r.severity)}</td><td>${esc(r.why)}</td><td>${r.checks.map(esc).join(', ')}</td></tr>`).join('\n')}
</tbody></table>
<h2>Coverage: each operation's declared statuses</h2>
<table id="coverage"><thead><tr><th>Operation</th><th>Status</th><th>Answers</th><th>Rules judged on them</th><th>Not provoked because</th></tr></thead><tbody>
${report.coverage.map((c) => `<tr data-operation="${esc(c.operationId)}" data-status="${c.status}"><td><code>${esc(c.operationId)}</code></td><td>${c.status}</td><td>${c.answers}</td><td>${c.rules.map((x) => `<code>${esc(x)}</code>`).join(' ')}</td><td>${esc(c.why ?? '')}</td></tr>`).join('\n')}
</tbody></table>
</body></html>
`;
}
