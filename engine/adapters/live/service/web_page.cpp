#include "engine/adapters/live/service/web_page.hpp"

namespace clsim::live {

namespace {

constexpr std::string_view kPage = R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>clsim serve</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
  h1 { font-size: 1.3em; margin: 0 0 .3em; }
  table { border-collapse: collapse; margin: .8em 0; min-width: 40em; }
  th, td { border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: left; }
  th { background: #f4f4f4; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .state { font-weight: 600; }
  .EXPIRED { color: #2a7; } .FAILED { color: #c33; } .RUNNING { color: #27c; }
  #status { font-size: .9em; color: #666; }
  #log { font: 12px monospace; background: #fafafa; border: 1px solid #eee; padding: .5em;
         max-height: 16em; overflow: auto; white-space: pre; }
  form { display: flex; flex-wrap: wrap; gap: .4em; align-items: end; margin: .5em 0; }
  label { display: flex; flex-direction: column; font-size: .85em; }
  input { width: 8em; }
  #error { color: #c33; }
</style>
</head>
<body>
<h1>clsim serve</h1>
<div id="status">connecting&hellip;</div>

<h2>Campaigns</h2>
<table>
  <thead><tr><th>id</th><th>owner</th><th>state</th><th>budget</th><th>update</th><th>at</th></tr></thead>
  <tbody id="campaigns"></tbody>
</table>

<h2>New campaign</h2>
<form id="create">
  <label>owner <input name="owner" value="alice" required></label>
  <label>budget <input name="budget" type="number" value="100000" min="1" required></label>
  <label>duration (s) <input name="duration" type="number" value="30" min="1" required></label>
  <label>claim window (s) <input name="claim" type="number" value="30" min="1" required></label>
  <label>like <input name="like" type="number" value="100" min="0"></label>
  <label>retweet <input name="retweet" type="number" value="300" min="0"></label>
  <label>quote <input name="quote" type="number" value="500" min="0"></label>
  <label>reply <input name="reply" type="number" value="200" min="0"></label>
  <label>token <input name="token" type="password" placeholder="CLSIM_TOKEN"></label>
  <button type="submit">create and publish</button>
</form>
<div id="error"></div>

<h2>Updates</h2>
<div id="log"></div>

<script>
"use strict";
const rows = new Map();   // campaign id -> {tr, seq}
const body = document.getElementById("campaigns");
const statusLine = document.getElementById("status");
const log = document.getElementById("log");

function row(id) {
  let r = rows.get(id);
  if (r) return r;
  const tr = document.createElement("tr");
  tr.dataset.campaign = id;
  tr.innerHTML = '<td class="id"></td><td class="owner"></td><td class="state"></td>' +
                 '<td class="num budget"></td><td class="num seq"></td><td class="at"></td>';
  tr.querySelector(".id").textContent = id;
  body.appendChild(tr);
  r = {tr, seq: 0};
  rows.set(id, r);
  return r;
}

function show(id, fields) {
  const r = row(id);
  for (const [k, v] of Object.entries(fields)) {
    const cell = r.tr.querySelector("." + k);
    if (cell && v !== undefined) cell.textContent = v;
  }
  if (fields.state) r.tr.querySelector(".state").className = "state " + fields.state;
}

async function loadCampaigns() {
  const res = await fetch("/v1/campaigns");
  if (!res.ok) return;
  for (const c of (await res.json()).campaigns) show(c.id, {owner: c.owner, state: c.state, budget: c.budget});
}

function onUpdate(u) {
  const r = row(u.campaign_id);
  if (u.seq <= r.seq) return;   // seen already (a reconnect replays from 0)
  r.seq = u.seq;
  show(u.campaign_id, {state: u.state, seq: u.seq, at: new Date(u.time_us / 1000).toLocaleTimeString()});
  log.textContent = `${new Date(u.time_us / 1000).toISOString()} ${u.campaign_id} #${u.seq} ${u.state}\n` +
                    log.textContent.split("\n").slice(0, 200).join("\n");
  if (!r.tr.querySelector(".owner").textContent) refresh(u.campaign_id);
}

async function refresh(id) {
  const res = await fetch("/v1/campaigns/" + encodeURIComponent(id));
  if (res.ok) { const c = await res.json(); show(id, {owner: c.owner, budget: c.budget}); }
}

let retryMs = 250;
function connect() {
  const ws = new WebSocket(`ws://${location.host}/v1/ws?since=0`);
  ws.onopen = () => { statusLine.textContent = "live: connected"; retryMs = 250; };
  ws.onmessage = (m) => onUpdate(JSON.parse(m.data));
  ws.onclose = (e) => {
    statusLine.textContent = `live: disconnected (${e.code}), retrying`;
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 5000);
  };
}

document.getElementById("create").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const n = (k) => parseInt(f.get(k), 10);
  const headers = {"content-type": "application/json"};
  if (f.get("token")) headers.authorization = "Bearer " + f.get("token");
  const err = document.getElementById("error");
  err.textContent = "";
  const spec = {owner: f.get("owner"), budget: n("budget"), duration_us: n("duration") * 1e6,
                claim_window_us: n("claim") * 1e6,
                rates: {like: n("like"), retweet: n("retweet"), quote: n("quote"), reply: n("reply")}};
  const created = await fetch("/v1/campaigns", {method: "POST", headers, body: JSON.stringify(spec)});
  const c = await created.json();
  if (!created.ok) { err.textContent = `create: ${created.status} ${c.error}`; return; }
  const published = await fetch(`/v1/campaigns/${c.id}/publish`, {method: "POST", headers, body: "{}"});
  if (!published.ok) err.textContent = `publish: ${published.status} ${(await published.json()).error}`;
});

loadCampaigns().finally(connect);
</script>
</body>
</html>
)PAGE";

}  // namespace

std::string_view web_page() { return kPage; }

}  // namespace clsim::live
