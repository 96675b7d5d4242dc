// The swarm as deploy/ runs it, tried here: the Kubernetes manifests render and
// validate against the API schema; each pod's command runs locally with
// JOB_COMPLETION_INDEX set as the Job controller sets it, and the merge step
// joins the shards; the CI workflow's matrix entries (parsed from the file) do
// the same. Both merged results must equal one unsharded run of the same seeds:
// the same seeds, outcomes, trace hashes, failures and coverage.
// Usage: node swarm_shards_test.mjs CLSIM_BINARY SOURCE_DIR [SEEDS]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";

const [clsim, src, seeds = "1..40"] = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), "clsim-deploy-"));
let failed = false;
const check = (cond, msg) => {
  console.log(`${cond ? "ok  " : "FAIL"} ${msg}`);
  failed ||= !cond;
};
const run = (label, cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 600_000, ...opts });
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    console.error(`${label}: ${r.error ?? `exit ${r.status}`}\n${r.stdout}\n${r.stderr}`);
    rmSync(work, { recursive: true, force: true });
    process.exit(1);
  }
  return r;
};

try {
  if (!existsSync(join(src, "deploy/test/node_modules"))) {
    console.error("deploy/test/node_modules is missing: cmake/install-deps.sh installs it (npm ci)");
    process.exit(1);
  }
  run("render.sh", join(src, "deploy/k8s/render.sh"), [join(work, "k8s")], { env: { ...process.env, SEEDS: seeds } });
  const plan = JSON.parse(
    run("check_manifests", "node", [join(src, "deploy/test/check_manifests.mjs"), join(work, "k8s"),
                                    join(src, ".github/workflows/swarm.yml"), seeds]).stdout);

  // One unsharded run: what both must equal.
  const direct = run("unsharded", clsim, ["swarm", "--random", "--seeds", seeds, "--jobs", "2", "--out",
                                          join(work, "direct"), "--require", join(src, "tests/swarm/required_coverage.txt")]);

  // Kubernetes: the image has clsim on PATH and the repository's files under /opt/clsim.
  const bin = join(work, "bin");
  mkdirSync(bin);
  symlinkSync(clsim, join(bin, "clsim"));
  const local = (cmd) => cmd.replaceAll("/results", join(work, "results")).replaceAll("/opt/clsim", src);
  const podEnv = (index) => ({ ...process.env, PATH: `${bin}:${process.env.PATH}`, JOB_COMPLETION_INDEX: String(index) });
  for (const pod of plan.pods) run(`pod ${pod.index}`, "/bin/sh", ["-c", local(pod.command)], { env: podEnv(pod.index) });
  const k8sMerge = run("merge pod", "/bin/sh", ["-c", local(plan.merge)], { env: podEnv(0) });

  // The workflow: its steps run from a checkout with build/ beside tests/.
  const checkout = join(work, "checkout");
  mkdirSync(join(checkout, "build"), { recursive: true });
  symlinkSync(clsim, join(checkout, "build/clsim"));
  symlinkSync(join(src, "tests"), join(checkout, "tests"));
  for (const shard of plan.workflow.shards) run(`matrix ${shard.index}`, "/bin/sh", ["-c", shard.command], { cwd: checkout });
  const wfMerge = run("merge job", "/bin/sh", ["-c", plan.workflow.merge], { cwd: checkout });

  const summary = (dir) => JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  const runs = (dir) => {
    const out = {};
    for (const line of readFileSync(join(dir, "runs.jsonl"), "utf8").split("\n").filter(Boolean)) {
      const r = JSON.parse(line);
      out[r.seed] = { result: r.result, trace_hash: r.trace_hash };
    }
    return out;
  };
  const want = summary(join(work, "direct"));
  const wantRuns = runs(join(work, "direct"));
  check(want.seeds.length > 0, `the unsharded run ran ${want.seeds.length} seeds`);
  for (const [name, dir, merged] of [["kubernetes", join(work, "results/all"), k8sMerge],
                                     ["workflow", join(checkout, "results/all"), wfMerge]]) {
    const got = summary(dir);
    for (const key of ["seeds", "results", "failures", "coverage"])
      check(isDeepStrictEqual(got[key], want[key]), `${name}: merged ${key} equal the unsharded run's`);
    check(isDeepStrictEqual(runs(dir), wantRuns), `${name}: every seed's result and trace hash equal`);
    check(merged.status === direct.status, `${name}: the merge exits ${merged.status} as the unsharded run (${direct.status})`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
