// Reads the rendered swarm manifests (render.sh OUT_DIR) and the CI workflow;
// validates each manifest against the Kubernetes API schema (kubernetes-models)
// and checks what the swarm relies on; prints, as JSON, the command each pod and
// each matrix entry runs, expanded as Kubernetes and GitHub Actions would expand
// them (JOB_COMPLETION_INDEX is left to the shell, as in the pod).
// Usage: node check_manifests.mjs MANIFEST_DIR WORKFLOW.yml [SEEDS]
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, parse } from "yaml";
import { Job } from "kubernetes-models/batch/v1";
import { PersistentVolumeClaim } from "kubernetes-models/v1";

const [dir, workflowPath, seedsOverride] = process.argv.slice(2);
const fail = (msg) => {
  console.error(`check_manifests: ${msg}`);
  process.exit(1);
};
const need = (cond, msg) => cond || fail(msg);

const kinds = { Job, PersistentVolumeClaim };
const jobs = {};
for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
    const obj = doc.toJS();
    const Model = kinds[obj.kind];
    need(Model, `${file}: unexpected kind ${obj.kind}`);
    try {
      new Model(obj).validate();
    } catch (e) {
      fail(`${file}: not a valid ${obj.kind}: ${e.message}`);
    }
    if (obj.kind === "Job") jobs[obj.metadata.name] = obj;
  }
}
const swarm = jobs["clsim-swarm"];
const merge = jobs["clsim-swarm-merge"];
need(swarm && merge, "the swarm Job and the merge Job must both be there");
need(swarm.spec.completionMode === "Indexed", "the swarm Job must be Indexed");
need(swarm.spec.backoffLimit === 0, "the swarm Job's backoffLimit must be 0: a failing seed is a result");
const shellCommand = (job) => {
  const c = job.spec.template.spec.containers[0].command;
  need(c.length === 3 && c[0] === "/bin/sh" && c[1] === "-c", `${job.metadata.name}: command is /bin/sh -c '...'`);
  return c[2];
};
const pods = [];
for (let i = 0; i < swarm.spec.completions; ++i) pods.push({ index: i, command: shellCommand(swarm) });

const wf = parse(readFileSync(workflowPath, "utf8"));
need(wf.on && wf.on.schedule && wf.on.schedule.length > 0, "the workflow must run nightly (on.schedule)");
const env = { ...wf.env, ...(seedsOverride ? { SEEDS: seedsOverride } : {}) };
const expand = (text, matrix) =>
  text.replace(/\$\{\{\s*(env|matrix)\.([A-Za-z_]+)\s*\}\}/g, (_, scope, key) => {
    const v = scope === "env" ? env[key] : matrix[key];
    need(v !== undefined, `workflow: ${scope}.${key} is not defined`);
    return String(v);
  });
const stepRun = (job, name) => {
  const step = job.steps.find((s) => s.name === name);
  need(step && step.run, `workflow: job step '${name}' with a run line`);
  return step.run;
};
const indices = wf.jobs.shard.strategy.matrix.index;
need(String(indices.length) === String(wf.env.SHARDS), `workflow: ${indices.length} matrix entries but SHARDS=${wf.env.SHARDS}`);
need(wf.jobs.merge.needs === "shard" && wf.jobs.merge.if === "always()", "workflow: merge runs after every shard, pass or fail");
const shards = indices.map((index) => ({ index, command: expand(stepRun(wf.jobs.shard, "swarm shard"), { index }) }));

console.log(JSON.stringify({
  pods,
  merge: shellCommand(merge),
  workflow: { shards, merge: expand(stepRun(wf.jobs.merge, "merge"), {}) },
}));
