#!/usr/bin/env python3
"""Writes network.json: a `terraform show -json` plan in Terraform's format (planned_values
without the attributes known only after apply, resource_changes with after_unknown,
configuration with the references between resources) for the network, node and add-on rules.

With --state it writes network-state.json instead: what `terraform show -json` prints for the
state once that plan is applied (`values.root_module`, every attribute known: ids and ARNs made
up, references replaced by the values they point at, no configuration). With --existing,
network-existing.json: the plan of the same code run again after apply (nothing to change, every
value known, the configuration as in the first plan). With --raw-state, network.tfstate: the
state as `terraform state pull` prints it (format 4).

No provider can be downloaded where the tests are written, so the plan is generated from this
description; run it again after editing:
  python3 make_network_plan.py > network.json
  python3 make_network_plan.py --state > network-state.json
  python3 make_network_plan.py --existing > network-existing.json
  python3 make_network_plan.py --raw-state > network.tfstate
"""
import hashlib
import json
import sys

U = object()  # known only after apply

# (address, values, references): values equal to U are unknown after apply; references name
# what an unknown attribute points at (configuration expressions).
RESOURCES = [
    ("aws_vpc.net", {"id": U, "cidr_block": "10.1.0.0/16", "enable_dns_support": True,
                     "enable_dns_hostnames": False}, {}),
    ("aws_internet_gateway.net", {"id": U, "vpc_id": U}, {"vpc_id": ["aws_vpc.net.id", "aws_vpc.net"]}),
    # One AZ only; the /20 has no way out, the /24 is public without public IPs.
    ("aws_subnet.isolated[0]", {"id": U, "vpc_id": U, "cidr_block": "10.1.0.0/20",
                                "availability_zone": "eu-west-1a", "map_public_ip_on_launch": False,
                                "tags": {}},
     {"vpc_id": ["aws_vpc.net.id", "aws_vpc.net"]}),
    ("aws_subnet.public[0]", {"id": U, "vpc_id": U, "cidr_block": "10.1.16.0/24",
                              "availability_zone": "eu-west-1a", "map_public_ip_on_launch": False,
                              "tags": {}},
     {"vpc_id": ["aws_vpc.net.id", "aws_vpc.net"]}),
    ("aws_route_table.public", {"id": U, "vpc_id": U,
                                "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": U}]},
     {"vpc_id": ["aws_vpc.net.id", "aws_vpc.net"],
      "route.gateway_id": ["aws_internet_gateway.net.id", "aws_internet_gateway.net"]}),
    ("aws_route_table.isolated", {"id": U, "vpc_id": U, "route": []},
     {"vpc_id": ["aws_vpc.net.id", "aws_vpc.net"]}),
    ("aws_route_table_association.public[0]", {"id": U, "subnet_id": U, "route_table_id": U},
     {"subnet_id": ["aws_subnet.public[0].id", "aws_subnet.public"],
      "route_table_id": ["aws_route_table.public.id", "aws_route_table.public"]}),
    ("aws_route_table_association.isolated[0]", {"id": U, "subnet_id": U, "route_table_id": U},
     {"subnet_id": ["aws_subnet.isolated[0].id", "aws_subnet.isolated"],
      "route_table_id": ["aws_route_table.isolated.id", "aws_route_table.isolated"]}),
    ("aws_eks_cluster.net", {"arn": U, "id": U, "name": "net", "version": "1.31",
                             "role_arn": "arn:aws:iam::111122223333:role/cluster",
                             "enabled_cluster_log_types": ["api", "audit", "authenticator"],
                             "access_config": [{"authentication_mode": "API",
                                                "bootstrap_cluster_creator_admin_permissions": False}],
                             "encryption_config": [{"resources": ["secrets"],
                                                    "provider": [{"key_arn": "arn:aws:kms:eu-west-1:111122223333:key/1"}]}],
                             "vpc_config": [{"endpoint_private_access": True, "endpoint_public_access": False,
                                             "subnet_ids": U}]},
     {"vpc_config.subnet_ids": ["aws_subnet.isolated", "aws_subnet.public"]}),
    # Node role without the CNI policy; no role for the vpc-cni add-on either.
    ("aws_iam_role.node", {"arn": U, "id": U, "name": "net-nodes",
                           "assume_role_policy": json.dumps({"Version": "2012-10-17", "Statement": [
                               {"Effect": "Allow", "Action": "sts:AssumeRole",
                                "Principal": {"Service": "ec2.amazonaws.com"}}]})}, {}),
    ("aws_iam_role_policy_attachment.node[\"AmazonEKSWorkerNodePolicy\"]",
     {"id": U, "role": "net-nodes", "policy_arn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"}, {}),
    ("aws_iam_role_policy_attachment.node[\"AmazonEC2ContainerRegistryReadOnly\"]",
     {"id": U, "role": "net-nodes", "policy_arn": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"}, {}),
    # --max-pods=110 on m5.large (29 addressable).
    ("aws_launch_template.big", {"id": U, "latest_version": U,
                                 "metadata_options": [{"http_tokens": "required", "http_put_response_hop_limit": 1,
                                                       "http_endpoint": "enabled"}],
                                 "block_device_mappings": [{"device_name": "/dev/xvda",
                                                            "ebs": [{"encrypted": "true", "volume_size": 50}]}],
                                 "user_data": "IyEvYmluL2Jhc2gKL2V0Yy9la3MvYm9vdHN0cmFwLnNoIG5ldCAtLWt1YmVsZXQtZXh0cmEtYXJncyAnLS1tYXgtcG9kcz0xMTAnCg=="},
     {}),
    # 200 full m5.large nodes in a /20 (4091 usable); kubelet 1.27 under a 1.31 control plane.
    ("aws_eks_node_group.big", {"arn": U, "id": U, "cluster_name": "net", "node_group_name": "big",
                                "ami_type": "AL2023_x86_64_STANDARD", "version": "1.27",
                                "instance_types": ["m5.large"], "node_role_arn": U, "subnet_ids": U,
                                "scaling_config": [{"min_size": 1, "max_size": 200, "desired_size": 2}],
                                "launch_template": [{"id": U, "name": None, "version": "$Latest"}]},
     {"cluster_name": ["aws_eks_cluster.net.name", "aws_eks_cluster.net"],
      "node_role_arn": ["aws_iam_role.node.arn", "aws_iam_role.node"],
      "subnet_ids": ["aws_subnet.isolated"],
      "launch_template.id": ["aws_launch_template.big.id", "aws_launch_template.big"]}),
    # Nodes in the public subnet, which gives no public IPs.
    ("aws_eks_node_group.edge", {"arn": U, "id": U, "cluster_name": "net", "node_group_name": "edge",
                                 "ami_type": "AL2023_x86_64_STANDARD", "instance_types": ["t3.large"],
                                 "node_role_arn": U, "subnet_ids": U,
                                 "scaling_config": [{"min_size": 1, "max_size": 2, "desired_size": 1}]},
     {"cluster_name": ["aws_eks_cluster.net.name", "aws_eks_cluster.net"],
      "node_role_arn": ["aws_iam_role.node.arn", "aws_iam_role.node"],
      "subnet_ids": ["aws_subnet.public"]}),
    ("aws_eks_fargate_profile.jobs", {"arn": U, "id": U, "cluster_name": "net", "fargate_profile_name": "jobs",
                                      "pod_execution_role_arn": "arn:aws:iam::111122223333:role/fargate",
                                      "subnet_ids": U, "selector": [{"namespace": "jobs"}]},
     {"cluster_name": ["aws_eks_cluster.net.name", "aws_eks_cluster.net"],
      "subnet_ids": ["aws_subnet.public"]}),
    ("aws_eks_addon.vpc_cni", {"arn": U, "id": U, "cluster_name": "net", "addon_name": "vpc-cni",
                               "addon_version": "v1.15.0-eksbuild.2"},
     {"cluster_name": ["aws_eks_cluster.net.name", "aws_eks_cluster.net"]}),
    ("aws_eks_addon.coredns", {"arn": U, "id": U, "cluster_name": "net", "addon_name": "coredns"},
     {"cluster_name": ["aws_eks_cluster.net.name", "aws_eks_cluster.net"]}),
    ("aws_eks_addon.kube_proxy", {"arn": U, "id": U, "cluster_name": "net", "addon_name": "kube-proxy"},
     {"cluster_name": ["aws_eks_cluster.net.name", "aws_eks_cluster.net"]}),
]
# Declared with `count = var.irsa ? 1 : 0` and planned with none: the cluster has no OIDC provider.
DECLARED_NONE = [("aws_iam_openid_connect_provider.eks", {"url": ["aws_eks_cluster.net.identity[0].oidc[0].issuer", "aws_eks_cluster.net"]})]


def split(address):
    base, _, index = address.partition("[")
    rtype, name = base.split(".")
    idx = None
    if index:
        raw = index.rstrip("]")
        idx = json.loads(raw) if raw.startswith('"') else int(raw)
    return base, rtype, name, idx


def known(v):
    if v is U:
        return None
    if isinstance(v, dict):
        return {k: known(x) for k, x in v.items() if x is not U}
    if isinstance(v, list):
        return [known(x) for x in v]
    return v


def unknown(v):
    if v is U:
        return True
    if isinstance(v, dict):
        out = {k: unknown(x) for k, x in v.items()}
        return {k: x for k, x in out.items() if x not in (False, {}, [])}
    if isinstance(v, list):
        out = [unknown(x) for x in v]
        return out if any(x not in (False, {}, []) for x in out) else []
    return False


def expressions(refs):
    out = {}
    for key, targets in refs.items():
        parts = key.split(".")
        cur = out
        for p in parts[:-1]:
            cur = cur.setdefault(p, [{}])[0]
        cur[parts[-1]] = {"references": targets}
    return out


planned, changes, config = [], [], {}
for address, values, refs in RESOURCES:
    base, rtype, name, idx = split(address)
    entry = {"address": address, "mode": "managed", "type": rtype, "name": name,
             "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
             "values": known(values), "sensitive_values": {}}
    if idx is not None:
        entry["index"] = idx
    planned.append(entry)
    change = {"address": address, "mode": "managed", "type": rtype, "name": name,
              "provider_name": "registry.terraform.io/hashicorp/aws",
              "change": {"actions": ["create"], "before": None, "after": known(values),
                         "after_unknown": unknown(values), "before_sensitive": False,
                         "after_sensitive": {}}}
    if idx is not None:
        change["index"] = idx
    changes.append(change)
    cfg = config.setdefault(base, {"address": base, "mode": "managed", "type": rtype, "name": name,
                                   "provider_config_key": "aws", "expressions": {}, "schema_version": 0})
    cfg["expressions"].update(expressions(refs))
    if idx is not None:
        cfg["count_expression" if isinstance(idx, int) else "for_each_expression"] = {"constant_value": 1}
for base, refs in DECLARED_NONE:
    _, rtype, name, _ = split(base)
    config[base] = {"address": base, "mode": "managed", "type": rtype, "name": name,
                    "provider_config_key": "aws", "expressions": expressions(refs),
                    "schema_version": 0, "count_expression": {"references": ["var.irsa"]}}

ID_PREFIX = {"aws_vpc": "vpc-", "aws_subnet": "subnet-", "aws_internet_gateway": "igw-",
             "aws_route_table": "rtb-", "aws_route_table_association": "rtbassoc-",
             "aws_launch_template": "lt-", "aws_iam_role_policy_attachment": "att-"}


def applied():
    """Each resource's values after apply: ids and ARNs made up, references followed."""
    made = {}
    for address, values, _ in RESOURCES:
        _, rtype, _, _ = split(address)
        v = dict(values)
        digest = hashlib.sha1(address.encode()).hexdigest()[:17]
        if v.get("id") is U:
            v["id"] = {"aws_eks_cluster": v.get("name"), "aws_iam_role": v.get("name"),
                       "aws_eks_node_group": f"net:{v.get('node_group_name')}",
                       "aws_eks_fargate_profile": f"net:{v.get('fargate_profile_name')}",
                       "aws_eks_addon": f"net:{v.get('addon_name')}"}.get(rtype) \
                or ID_PREFIX.get(rtype, "") + digest
        if v.get("arn") is U:
            service = {"aws_iam_role": "iam"}.get(rtype, "eks")
            kind = {"aws_eks_cluster": "cluster", "aws_eks_node_group": "nodegroup",
                    "aws_eks_fargate_profile": "fargateprofile", "aws_eks_addon": "addon"}.get(rtype)
            v["arn"] = f"arn:aws:eks:eu-west-1:111122223333:{kind}/{v['id'].replace(':', '/')}/{digest}" \
                if service == "eks" else f"arn:aws:iam::111122223333:role/{v['name']}"
            if rtype == "aws_eks_cluster":
                v["arn"] = f"arn:aws:eks:eu-west-1:111122223333:cluster/{v['id']}"
        if v.get("latest_version") is U:
            v["latest_version"] = 1
        made[address] = v

    def follow(ref):
        if ref in made:
            return made[ref]["id"]
        owner, _, attr = ref.rpartition(".")
        if owner in made:
            return made[owner][attr]
        return [made[a]["id"] for a in sorted(made) if a.split("[")[0] == ref]

    for address, values, refs in RESOURCES:
        v = made[address]
        for key, targets in refs.items():
            *blocks, attr = key.split(".")
            holders = [v]
            for b in blocks:
                holders = [h for x in holders for h in x[b]]
            value = follow(targets[0])
            if attr.endswith("_ids") and len(targets) > 1:
                value = [i for t in targets for i in follow(t)]
            for h in holders:
                if h.get(attr) is U:
                    h[attr] = value
    return made


def state_document(made):
    state = []
    for address, _, _ in RESOURCES:
        base, rtype, name, idx = split(address)
        entry = {"address": address, "mode": "managed", "type": rtype, "name": name,
                 "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                 "values": made[address], "sensitive_values": {}}
        if idx is not None:
            entry["index"] = idx
        state.append(entry)
    return {"format_version": "1.0", "terraform_version": "1.9.8",
            "values": {"root_module": {"resources": state}}}


if sys.argv[1:] == ["--raw-state"]:
    # The same state as `terraform state pull` prints it (format 4, the terraform.tfstate file).
    made = applied()
    grouped = {}
    for address, _, _ in RESOURCES:
        base, rtype, name, idx = split(address)
        r = grouped.setdefault(base, {"mode": "managed", "type": rtype, "name": name,
                                      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                                      "instances": []})
        instance = {"schema_version": 0, "attributes": made[address], "sensitive_attributes": []}
        if idx is not None:
            instance["index_key"] = idx
        r["instances"].append(instance)
    print(json.dumps({"version": 4, "terraform_version": "1.9.8", "serial": 3,
                      "lineage": "5a0c5fa4-0d59-4bd8-9d3c-2f0e3d6c1b7e", "outputs": {},
                      "resources": list(grouped.values()), "check_results": None}, indent=1))
    sys.exit(0)

if sys.argv[1:] == ["--state"]:
    print(json.dumps(state_document(applied()), indent=1))
    sys.exit(0)

plan = {
    "format_version": "1.2",
    "terraform_version": "1.9.8",
    "planned_values": {"root_module": {"resources": planned}},
    "resource_changes": changes,
    "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
                      "root_module": {"resources": list(config.values())}},
}
if sys.argv[1:] == ["--existing"]:
    # The plan of the same code once applied, nothing to change: every value known from the state.
    state = state_document(applied())
    by_address = {r["address"]: r["values"] for r in state["values"]["root_module"]["resources"]}
    plan["prior_state"] = state
    plan["planned_values"] = state["values"]
    for change in changes:
        values = by_address[change["address"]]
        change["change"] = {"actions": ["no-op"], "before": values, "after": values,
                            "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}
print(json.dumps(plan, indent=1))
