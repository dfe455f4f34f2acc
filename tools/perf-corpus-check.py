#!/usr/bin/env python3
"""Compares `eksdoctor scan --format json` of a gen-perf-corpus.py tree with its ground truth
(_generated_pitfalls.json): per pitfall key, units where the matching rule fired (found), did not
fire (missed) and fired without the key being injected (to review: a real finding the generator
did not list, or a false finding).

usage: perf-corpus-check.py CORPUS_DIR SCAN_JSON [--show RULE]
"""
import collections
import json
import sys

KEY_TO_RULES = {
    "small_node_subnets": ["subnet-too-small"],
    "ebs_backed_statefulset_or_pvc": ["ebs-volume-az-bound"],
    "ebs_storageclass_without_wffc": ["storageclass-immediate-binding"],
    "intree_aws_ebs_provisioner": ["in-tree-ebs-provisioner"],
    "k8s_version_le_1_29": ["version-end-of-life", "version-out-of-standard-support"],
    "al2_ami": ["ami-type-deprecated"],
    "broad_node_iam_policy": ["node-role-too-broad"],
    "no_irsa": ["no-workload-identity"],
    "imdsv1_allowed": ["imdsv2-not-required"],
    "imds_hop_limit_gt_1": ["imds-reachable-from-pods"],
    "public_endpoint_open_to_world": ["endpoint-public-unrestricted"],
    "fargate_with_daemonsets": ["fargate-daemonset"],
    "aws_auth_mapusers_system_masters": ["aws-auth-user-system-masters"],
    "secrets_encryption_missing": ["secrets-no-customer-kms"],
    "control_plane_logging_missing": ["control-plane-logging-off"],
    "cluster_autoscaler_multi_az_nodegroup": ["autoscaler-multi-az-node-group"],
}


def main():
    corpus, scan = sys.argv[1].rstrip("/"), sys.argv[2]
    show = sys.argv[sys.argv.index("--show") + 1] if "--show" in sys.argv else None
    truth = json.load(open(f"{corpus}/_generated_pitfalls.json"))["units"]
    report = json.load(open(scan))
    units = sorted(truth, key=len, reverse=True)
    fired = collections.defaultdict(set)  # unit -> rules
    examples = collections.defaultdict(list)
    for f in report["findings"]:
        path = f["location"]["file"]
        rel = path[len(corpus) + 1:] if path.startswith(corpus + "/") else path
        unit = next((u for u in units if rel == u or rel.startswith(u + "/")), None)
        if unit is None:
            continue
        fired[unit].add(f["rule"])
        examples[(unit, f["rule"])].append(f)
    print(f"{'pitfall key':40} {'units':>6} {'found':>6} {'missed':>6} {'fired w/o key':>13}")
    for key, rules in KEY_TO_RULES.items():
        have = {u for u, t in truth.items() if key in t["pitfalls"]}
        hit = {u for u in have if fired[u] & set(rules)}
        extra = {u for u in truth if u not in have and fired[u] & set(rules)}
        print(f"{key:40} {len(have):6} {len(hit):6} {len(have) - len(hit):6} {len(extra):13}")
        if show and show in rules:
            for u in sorted(extra)[:5]:
                for f in examples[(u, show)][:2]:
                    print("   extra:", f["location"]["file"], f["location"]["line"], f["message"][:200])
            for u in sorted(have - hit)[:5]:
                print("   missed:", u, truth[u]["kind"])


main()
