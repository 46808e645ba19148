// Okta's Node SDK against `policy-sim serve`: reads simulation bodies (a JSON
// array) on stdin, sends each with client.policyApi.createPolicySimulation
// and prints {"evaluation": [...]} per body as one JSON array, or the API
// error for a body the server refuses. tests/serve/test_node_sdk.py compares
// the results with `policy-sim eval`.
//   node sdk_test.js ORG_URL TOKEN < bodies.json
'use strict';
const okta = require('@okta/okta-sdk-nodejs');

async function main() {
  const [orgUrl, token] = process.argv.slice(2);
  const client = new okta.Client({
    orgUrl,
    token,
    // The server is on loopback over plain HTTP.
    testing: { disableHttpsCheck: true },
  });
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const bodies = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = [];
  for (const body of bodies) {
    try {
      const response = await client.policyApi.createPolicySimulation({
        simulatePolicy: [body],
        expand: 'EVALUATED',
      });
      results.push({ ok: response });
    } catch (e) {
      results.push({ error: { status: e.status || e.code, body: e.body || String(e) } });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
