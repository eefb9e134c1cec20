"""Consistency checks of the deployment examples beyond their schemas (run by deploy/check.sh).

Usage: check_deploy.py DEPLOY_DIR WORK_DIR
WORK_DIR holds what check.sh produced: k8s/ (run.sh --render with 7 shards), aws3/ and aws1/
(aws-batch/submit.sh --print with 3 shards and an export, and with 1 shard), slurm-calls.txt (the
sbatch command lines submit.sh ran against a stub: prepare, 3 shards, merge and an export).
Every flow is prepare -> shards (each with --prepared naming the prepare step's file, in the run's
shard root beside the shard folders, with the same config) -> merge -> export.
Prints one line per finding and exits 1 when there is any.
"""

import json
import pathlib
import re
import sys
import tomllib

import botocore.session
import yaml
from botocore.validate import ParamValidator

findings = []


def check(ok, message):
    if not ok:
        findings.append(message)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def container(job):
    return job["spec"]["template"]["spec"]["containers"][0]


def env_of(c):
    return {e["name"]: e.get("value") for e in c.get("env", [])}


def words_of(c):
    """The skillmatch command line of a container run through the image's entry point
    (skillmatch): its args, `$(VAR)` written `$VAR`."""
    return [re.sub(r"\$\((\w+)\)", r"$\1", w) for w in c.get("args", [])]


def value(words, flag):
    return words[words.index(flag) + 1] if flag in words[:-1] else None


def check_kubernetes(folder, shards, run_id, as_of, label):
    cm = load_yaml(folder / "configmap.yaml")
    pvc = load_yaml(folder / "pvc.yaml")
    check("ReadWriteMany" in pvc["spec"]["accessModes"], f"{label}: the PVC must be ReadWriteMany (shard pods run on several nodes)")
    config = tomllib.loads(cm["data"]["skillmatch.toml"])
    args_of = {}
    for step in ("prepare", "shards", "merge", "export"):
        job = load_yaml(folder / f"job-{step}.yaml")
        name = job["metadata"]["name"]
        where = f"{label}: job-{step}.yaml"
        check(len(name) <= 63 and re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name), f"{where}: Job name {name!r} is no DNS label")
        pod = job["spec"]["template"]["spec"]
        check(pod["restartPolicy"] == "Never", f"{where}: restartPolicy must be Never")
        check(pod["securityContext"].get("runAsNonRoot") is True, f"{where}: pods must run as non-root")
        c = container(job)
        env = env_of(c)
        words = c.get("args", []) + c.get("command", [])
        for ref in re.findall(r"\$\((\w+)\)", " ".join(words)):
            check(ref in env, f"{where}: $({ref}) is used but not in env")
        if c.get("command", [])[:2] == ["/bin/sh", "-c"]:
            for ref in re.findall(r"\$\{?(\w+)", c["command"][2]):
                check(ref in env, f"{where}: the shell uses ${ref}, which is not in env")
        check(env.get("RUN_ID") == run_id, f"{where}: RUN_ID is {env.get('RUN_ID')!r}, expected {run_id!r}")
        claims = [v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v]
        check(claims == [pvc["metadata"]["name"]], f"{where}: must mount the PVC {pvc['metadata']['name']}")
        maps = [v["configMap"]["name"] for v in pod["volumes"] if "configMap" in v]
        check(all(m == cm["metadata"]["name"] for m in maps), f"{where}: names a ConfigMap other than {cm['metadata']['name']}")
        mounts = {m["mountPath"] for m in c["volumeMounts"]}
        check("/data" in mounts, f"{where}: the PVC must be mounted at /data")
        words = args_of[step] = words_of(c)
        if step in ("prepare", "shards"):
            check("/etc/skillmatch" in mounts and value(words, "--config") == "/etc/skillmatch/skillmatch.toml", f"{where}: must read the ConfigMap's skillmatch.toml")
            check(not any(m["mountPath"] == "/data" and m.get("readOnly") for m in c["volumeMounts"]), f"{where}: writes to /data, so the PVC must not be read-only")
        if step == "prepare":
            # `prepare` creates the folder of its --out file, so no shell has to make the shard
            # root first: the image's entry point runs it, as it runs the shards.
            check("command" not in c and words[:1] == ["prepare"], f"{where}: must run `prepare` as args of the image's entry point (no command)")
            check(value(words, "--out") == "/data/shards/$RUN_ID/prepared.json", f"{where}: must write /data/shards/$(RUN_ID)/prepared.json (in the run's shard root)")
            check("--as-of" not in words and "--shard" not in words, f"{where}: prepare takes neither --as-of nor --shard")
        if step == "shards":
            spec = job["spec"]
            check(spec.get("completionMode") == "Indexed", f"{where}: completionMode must be Indexed")
            check(spec["completions"] == spec["parallelism"] == shards, f"{where}: completions and parallelism must both be {shards}")
            check(env.get("SKILLMATCH_SHARD_COUNT") == str(shards), f"{where}: SKILLMATCH_SHARD_COUNT must equal completions ({shards})")
            check(env.get("AS_OF") == as_of, f"{where}: AS_OF is {env.get('AS_OF')!r}, expected {as_of!r}")
            args = c["args"]
            check(args[0] == "run" and "--shard" not in args, f"{where}: must be `run` without --shard (the index comes from JOB_COMPLETION_INDEX)")
            check(args[args.index("--out") + 1] == "/data/shards/$(RUN_ID)", f"{where}: shards must write /data/shards/$(RUN_ID)")
            prep = args_of["prepare"]
            check(value(words, "--prepared") is not None and value(words, "--prepared") == value(prep, "--out"),
                  f"{where}: --prepared must name the file job-prepare.yaml writes (--out)")
            check(value(words, "--config") == value(prep, "--config"), f"{where}: must read the same --config as job-prepare.yaml")
        if step == "merge":
            script = c["command"][-1]
            check('merge /data/shards/"$RUN_ID"/shard-*-of-*' in script and "--run-id" in script, f"{where}: must merge /data/shards/$RUN_ID/shard-*-of-* with --run-id")
        if step == "export":
            check(c["args"][:2] == ["export", "postgres"], f"{where}: must run `export postgres`")
    return config


def check_aws(deploy, work):
    model = botocore.session.get_session().get_service_model("batch")
    validator = ParamValidator()

    def valid(doc, operation, where):
        report = validator.validate(doc, model.operation_model(operation).input_shape)
        check(not report.has_errors(), f"{where}: not a valid {operation} request:\n{report.generate_report()}")

    definitions = {}
    for step in ("prepare", "shard", "merge", "export"):
        where = f"aws-batch/job-definition-{step}.json"
        doc = json.loads((deploy / where).read_text(encoding="utf-8"))
        valid(doc, "RegisterJobDefinition", where)
        props = doc["containerProperties"]
        check(doc["type"] == "container" and props.get("image"), f"{where}: needs type container and an image")
        kinds = {r["type"] for r in props.get("resourceRequirements", [])}
        check({"VCPU", "MEMORY"} <= kinds, f"{where}: needs VCPU and MEMORY resource requirements")
        volumes = {v["name"] for v in props.get("volumes", [])}
        for m in props.get("mountPoints", []):
            check(m["sourceVolume"] in volumes, f"{where}: mount point names an unknown volume {m['sourceVolume']}")
        check(any(m["containerPath"] == "/data" for m in props.get("mountPoints", [])), f"{where}: the shared volume must be at /data")
        for word in props["command"]:
            if word.startswith("Ref::"):
                check(word[5:] in doc.get("parameters", {}), f"{where}: {word} has no default in parameters")
        definitions[doc["jobDefinitionName"]] = doc
    shard_def = definitions["skillmatch-shard"]
    shard_cmd = shard_def["containerProperties"]["command"]
    check(shard_cmd[0] == "run" and "--shard" not in shard_cmd,
          "aws-batch/job-definition-shard.json: must be `run` without --shard (the index comes from AWS_BATCH_JOB_ARRAY_INDEX)")
    prepare_def = definitions["skillmatch-prepare"]
    prepare_cmd = prepare_def["containerProperties"]["command"]

    check(prepare_cmd[0] == "prepare" and value(prepare_cmd, "--out") == "Ref::prepared" and "--as-of" not in prepare_cmd,
          "aws-batch/job-definition-prepare.json: must be `prepare --out Ref::prepared` (no --as-of)")
    check(value(shard_cmd, "--prepared") == "Ref::prepared", "aws-batch/job-definition-shard.json: must pass --prepared Ref::prepared")
    check(value(prepare_cmd, "--config") == value(shard_cmd, "--config") == "Ref::config"
          and prepare_def["parameters"]["config"] == shard_def["parameters"]["config"],
          "aws-batch: the prepare and shard definitions must read the same config (Ref::config, same default)")
    # In the shard root, as on Kubernetes and Slurm: `prepare` creates the folder of its --out file.
    check(prepare_def["parameters"]["prepared"] == shard_def["parameters"]["prepared"] == shard_def["parameters"]["shardRoot"] + "/prepared.json",
          "aws-batch: the default prepared file must be shardRoot/prepared.json in both definitions")
    check(prepare_def["containerProperties"]["volumes"] == shard_def["containerProperties"]["volumes"]
          and prepare_def["containerProperties"]["mountPoints"] == shard_def["containerProperties"]["mountPoints"],
          "aws-batch: the prepare job must mount the shards' file system the same way (it writes their prepared file)")

    for run, shards in (("aws3", 3), ("aws1", 1)):
        requests = {}
        for step in ("prepare", "shards", "merge", "export"):
            path = work / run / f"{step}.json"
            if not path.exists():
                continue
            doc = json.loads(path.read_text(encoding="utf-8"))
            valid(doc, "SubmitJob", f"{run}/{step}.json")
            definition = definitions.get(doc["jobDefinition"])
            check(definition is not None, f"{run}/{step}.json: names no job definition of aws-batch/")
            if definition:
                unknown = set(doc.get("parameters", {})) - set(definition.get("parameters", {}))
                check(not unknown, f"{run}/{step}.json: parameters {sorted(unknown)} are not in {doc['jobDefinition']}")
            requests[step] = doc
        prepare, shard, merge = requests["prepare"], requests["shards"], requests["merge"]
        check("dependsOn" not in prepare, f"{run}/prepare.json: the prepare job runs first and depends on nothing")
        check(shard.get("dependsOn") == [{"jobId": "PREPARE_JOB_ID"}], f"{run}/shards.json: must depend on the prepare job")
        check(prepare["parameters"]["config"] == shard["parameters"]["config"], f"{run}: prepare and shards must read the same config")
        check(prepare["parameters"]["prepared"] == shard["parameters"]["prepared"] == shard["parameters"]["shardRoot"] + "/prepared.json",
              f"{run}: the shards' prepared file must be the one the prepare job writes, shardRoot/prepared.json")
        if shards > 1:
            check(shard.get("arrayProperties", {}).get("size") == shards, f"{run}/shards.json: array size must be {shards}")
        else:
            command = shard["containerOverrides"]["command"]
            check("arrayProperties" not in shard and command[-2:] == ["--shard", "0/1"],
                  f"{run}/shards.json: one shard is a plain job with --shard 0/1")
            check(value(command, "--prepared") == shard["parameters"]["prepared"], f"{run}/shards.json: the one shard must pass --prepared")
        check(merge["dependsOn"] == [{"jobId": "ARRAY_JOB_ID"}], f"{run}/merge.json: must depend on the shard job")
        command = merge["containerOverrides"]["command"]
        root = shard["parameters"]["shardRoot"]
        expected = [f"shards/{root.rsplit('/', 1)[1]}/shard-{i:04d}-of-{shards:04d}" for i in range(shards)]
        check(command[0] == "merge" and command[1 : 1 + shards] == expected, f"{run}/merge.json: must list the {shards} shard folders, got {command}")
        check(root.startswith("/data/shards/"), f"{run}/shards.json: shards must write /data/shards/RUN_ID")
        if "export" in requests:
            check(requests["export"]["dependsOn"] == [{"jobId": "MERGE_JOB_ID"}], f"{run}/export.json: must depend on the merge job")
    check((work / "aws3" / "export.json").exists(), "aws3: --pg-url must add an export request")


def check_slurm(work):
    calls = (work / "slurm-calls.txt").read_text(encoding="utf-8").splitlines()
    check(len(calls) == 4, f"slurm: submit.sh with --pg-url must run sbatch 4 times, ran {len(calls)}")
    if len(calls) != 4:
        return
    prepare, shard, merge, export = calls

    def exported(call):
        m = re.search(r"--export=(\S+)", call)
        return dict(kv.split("=", 1) for kv in m.group(1).split(",")[1:]) if m else {}

    prep_env, shard_env = exported(prepare), exported(shard)
    check("--parsable" in prepare and "--dependency" not in prepare and prepare.endswith("prepare.sbatch"), f"slurm: prepare submission: {prepare}")
    check(prep_env.get("SM_CONFIG") and prep_env.get("SM_CONFIG") == shard_env.get("SM_CONFIG"), f"slurm: prepare and shards need the same SM_CONFIG: {prepare} / {shard}")
    check(prep_env.get("SM_PREPARED") and prep_env.get("SM_PREPARED") == shard_env.get("SM_PREPARED") == shard_env.get("SM_SHARD_ROOT", "") + "/prepared.json",
          f"slurm: the shards' SM_PREPARED must be the file the prepare job writes, SM_SHARD_ROOT/prepared.json: {prepare} / {shard}")
    check("--parsable" in shard and "--array=0-2" in shard and shard.endswith("shard.sbatch"), f"slurm: shard submission: {shard}")
    check("--dependency=afterok:1001 " in shard and "--kill-on-invalid-dep=yes" in shard, f"slurm: the array must depend on the prepare job 1001: {shard}")
    check(shard_env.get("SM_AS_OF") == "2026-11-24", f"slurm: the shards need SM_AS_OF: {shard}")
    check("--dependency=afterok:1002 " in merge and merge.endswith("merge.sbatch"), f"slurm: merge must depend on the array job 1002: {merge}")
    check("--dependency=afterok:1003 " in export and export.endswith("export.sbatch"), f"slurm: export must depend on the merge job 1003: {export}")


def main():
    deploy, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    config = check_kubernetes(deploy / "kubernetes", 4, "example", "2026-11-01", "kubernetes/")
    check_kubernetes(work / "k8s", 7, "20261124T030000Z", "2026-11-24", "run.sh --render")
    aws_config = tomllib.loads((deploy / "aws-batch" / "skillmatch.toml").read_text(encoding="utf-8"))
    check(config == aws_config, "aws-batch/skillmatch.toml differs from the ConfigMap's skillmatch.toml")
    for key in ("roster", "badges", "postings"):
        values = config["inputs"][key] if isinstance(config["inputs"][key], list) else [config["inputs"][key]]
        check(all(v.startswith("/data/") for v in values), f"the config's [inputs] {key} must be under /data")
    check(config["taxonomy"]["esco_dir"].startswith("/opt/skillmatch/datasets/"), "the config's esco_dir must be the image's bundled ESCO")
    dockerfile = (deploy.parent / "Dockerfile").read_text(encoding="utf-8")
    check("WORKDIR /opt/skillmatch\n" in dockerfile and "/opt/skillmatch/datasets/taxonomy" in dockerfile,
          "Dockerfile: the build folder must be /opt/skillmatch and the taxonomies copied to /opt/skillmatch/datasets (bundled() falls back to the build folder)")
    check("cargo build --release --locked" in dockerfile and re.search(r"^USER 10001", dockerfile, re.M) and 'ENTRYPOINT ["skillmatch"]' in dockerfile,
          "Dockerfile: needs cargo build --release --locked, USER 10001 and ENTRYPOINT skillmatch")
    check_aws(deploy, work)
    check_slurm(work)
    for f in findings:
        print(f"deploy check: {f}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
