// The Cedar side of the peer comparison (bench/peers/README.md).
//
//   node cedar_peer.mjs <inputs-dir> [<min-seconds>]
//
// <inputs-dir> is what verdict_cedar_peer_inputs wrote. Two phases, as a
// tuned Cedar integration runs: once, validate both policy sets against the
// schema and preparse them (preparsePolicySet, cached inside the wasm
// module); then, per context line, parse the JSON line and make two
// requests (statefulIsAuthorized): "locate" with the address as three Longs,
// whose satisfied permits name the address sets holding it, then "signOn"
// with those names as context.zones, the principal with the user's groups as
// its parents, and the rest of the context. Cedar has no priorities: every
// rule is a permit named r<ordinal> in Okta's evaluation order and every
// blocklist zone a forbid named b<ordinal>, so the answer is the
// lowest-numbered policy among the diagnostics' `reason` (the policies that
// decided): a forbid means blocked, a permit names the winning rule, no
// reason means no decision. Every answer is checked against Verdict's
// (expected.txt); any difference fails the run. Prints one JSON line:
// contexts per CPU-second end to end, per wall second, and the setup time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Installed by run.sh into a folder given as CEDAR_WASM_DIR (node_modules is
// never committed).
const cedarDir = process.env.CEDAR_WASM_DIR;
if (!cedarDir) {
  console.error('cedar_peer.mjs: set CEDAR_WASM_DIR to the folder holding node_modules');
  process.exit(2);
}
const cedar = require(join(cedarDir, 'node_modules/@cedar-policy/cedar-wasm/nodejs/cedar_wasm.js'));

const dir = process.argv[2];
const minSeconds = Number(process.argv[3] ?? '2');
const policies = JSON.parse(readFileSync(join(dir, 'policies.json'), 'utf8'));
const locate = JSON.parse(readFileSync(join(dir, 'locate.json'), 'utf8'));
const schema = readFileSync(join(dir, 'schema.cedarschema'), 'utf8');
const order = JSON.parse(readFileSync(join(dir, 'order.json'), 'utf8'));
const lines = readFileSync(join(dir, 'contexts.jsonl'), 'utf8').split('\n').filter((l) => l);
const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').split('\n').filter((l) => l);
if (lines.length !== expected.length) throw new Error('contexts.jsonl and expected.txt differ in length');

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// ---------------------------------------------------------------- phase 1
const setupStart = cpu();
for (const [name, set] of [['locate', locate], ['signOn', policies]]) {
  const validation = cedar.validate({
    validationSettings: { mode: 'strict' },
    schema,
    policies: { staticPolicies: set },
  });
  if (validation.type !== 'success' || validation.validationErrors.length !== 0) {
    console.error(JSON.stringify(validation, null, 1).slice(0, 4000));
    throw new Error(`the ${name} policies do not validate against the schema`);
  }
  const parsed = cedar.preparsePolicySet(name, { staticPolicies: set });
  if (parsed.type !== 'success') {
    console.error(JSON.stringify(parsed).slice(0, 4000));
    throw new Error(`preparsePolicySet ${name} failed`);
  }
}
const setupSeconds = cpu() - setupStart;

// ---------------------------------------------------------------- phase 2
const SIGN_ON = { type: 'Action', id: 'signOn' };
const LOCATE = { type: 'Action', id: 'locate' };
const RESOURCE = { type: 'Org', id: 'org' };
const RISK = { LOW: 0, MEDIUM: 1, HIGH: 2 };

// An address as Verdict holds it, 128 bits (IPv4 as ::ffff:a.b.c.d), in the
// three parts the locate policies compare: bits 127..80, 79..32, 31..0.
function parseV4(text) {
  const octets = text.split('.');
  if (octets.length !== 4) throw new Error(`bad address ${text}`);
  return octets.reduce((v, o) => (v << 8n) | BigInt(Number(o)), 0n);
}
function addressParts(text) {
  let v;
  if (!text.includes(':')) {
    v = (0xffffn << 32n) | parseV4(text);
  } else {
    let tail = [];
    let body = text;
    const lastColon = text.lastIndexOf(':');
    if (text.slice(lastColon + 1).includes('.')) {
      const v4 = parseV4(text.slice(lastColon + 1));
      tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
      body = text.slice(0, lastColon + 1) + (text.endsWith('::') ? '' : '0');
      body = body.endsWith(':0') ? body.slice(0, -2) : body;
    }
    const [left, right] = body.includes('::') ? body.split('::') : [body, null];
    const l = left ? left.split(':').map((h) => parseInt(h, 16)) : [];
    const r = right === null ? [] : right ? right.split(':').map((h) => parseInt(h, 16)) : [];
    const fill = 8 - l.length - r.length - tail.length;
    const groups = right === null ? [...l, ...tail] : [...l, ...Array(fill).fill(0), ...r, ...tail];
    if (groups.length !== 8) throw new Error(`bad address ${text}`);
    v = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  }
  return {
    ipHi: Number(v >> 80n),
    ipMid: Number((v >> 32n) & 0xffffffffffffn),
    ipLo: Number(v & 0xffffffffn),
  };
}

function check(answer) {
  if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
  if (answer.response.diagnostics.errors.length !== 0) {
    throw new Error(JSON.stringify(answer.response.diagnostics.errors));
  }
  return answer.response.diagnostics.reason;
}

// One context line → Verdict's answer text, through Cedar.
function decide(line) {
  const c = JSON.parse(line);
  const chain = c.ipChain;
  const principal = { type: 'User', id: c.user.id };
  const located = check(
    cedar.statefulIsAuthorized({
      principal,
      action: LOCATE,
      resource: RESOURCE,
      context: addressParts(chain[chain.length - 1]),
      preparsedPolicySetId: 'locate',
      entities: [],
    }),
  );
  const context = {
    zones: located.map((id) => order.zones[Number(id.slice(1))]),
    authType: (c.authType ?? 'ANY').toUpperCase(),
    idpType: (c.identityProvider?.type ?? 'OKTA').toUpperCase(),
    idpId: c.identityProvider?.id ?? '',
  };
  const level = c.risk?.level;
  if (level !== undefined) context.risk = RISK[level.toUpperCase()];
  const answer = cedar.statefulIsAuthorized({
    principal,
    action: SIGN_ON,
    resource: RESOURCE,
    context,
    preparsedPolicySetId: 'signOn',
    entities: [
      { uid: principal, attrs: {}, parents: (c.user.groups ?? []).map((id) => ({ type: 'Group', id })) },
    ],
  });
  const reason = check(answer);
  let blocker = Infinity;
  let rule = Infinity;
  for (const id of reason) {
    const n = Number(id.slice(1));
    if (id[0] === 'b') blocker = Math.min(blocker, n);
    else rule = Math.min(rule, n);
  }
  if (blocker !== Infinity) return `blocked ${order.blockers[blocker]}`;
  if (rule !== Infinity) return `rule ${order.rules[rule]}`;
  return 'none';
}

// A first pass checks every answer (and warms the JIT).
let mismatches = 0;
for (let i = 0; i < lines.length; i++) {
  const got = decide(lines[i]);
  if (got !== expected[i]) {
    if (mismatches < 10) console.error(`line ${i + 1}: Cedar ${got}, Verdict ${expected[i]}`);
    mismatches++;
  }
}
if (mismatches !== 0) {
  console.error(`${mismatches} of ${lines.length} answers differ`);
  process.exit(1);
}

// Timed passes, every answer checked again.
let answered = 0;
const start = cpu();
const wallStart = process.hrtime.bigint();
let elapsed = 0;
do {
  for (let i = 0; i < lines.length; i++) {
    if (decide(lines[i]) !== expected[i]) throw new Error(`line ${i + 1} changed its answer`);
  }
  answered += lines.length;
  elapsed = cpu() - start;
} while (elapsed < minSeconds);
const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;

console.log(
  JSON.stringify({
    cedar_version: cedar.getCedarVersion(),
    policies: Object.keys(policies).length,
    locate_policies: Object.keys(locate).length,
    contexts: lines.length,
    answers_checked: answered + lines.length,
    setup_cpu_seconds: Number(setupSeconds.toFixed(3)),
    cedar_contexts_per_cpu_second: Math.round(answered / elapsed),
    cedar_contexts_per_wall_second: Math.round(answered / wall),
  }),
);
