"""Seed a moto server with a small EKS estate (the test's world, built with write calls that
only this setup makes): a VPC with three private subnets (one a /24), an EKS cluster with a
public endpoint open to 0.0.0.0/0 and no control-plane logs, a managed node group on Amazon
Linux 2 with max pods left to EKS whose node role carries the CNI policy and an inline s3:*
policy, a Fargate profile, and self-managed nodes (an Auto Scaling group). No IAM OIDC provider for the
cluster.

Usage: seed.py ENDPOINT_URL  (prints the cluster name)."""
import sys
import boto3

url = sys.argv[1]
kw = dict(endpoint_url=url, region_name="eu-west-1",
          aws_access_key_id="testing", aws_secret_access_key="testing")
ec2 = boto3.client("ec2", **kw)
# `--eks-url URL`: EKS on another server (see --half).
eks_url = sys.argv[sys.argv.index("--eks-url") + 1] if "--eks-url" in sys.argv else url
eks = boto3.client("eks", **{**kw, "endpoint_url": eks_url})
iam = boto3.client("iam", **kw)

vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnets = []
for az, cidr in [("eu-west-1a", "10.0.0.0/24"), ("eu-west-1b", "10.0.8.0/21"), ("eu-west-1c", "10.0.16.0/21")]:
    s = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
    subnets.append(s)
# Other consumers fill the /24: 200 network interfaces leave 51 addresses free in eu-west-1a.
for _ in range(200):
    ec2.create_network_interface(SubnetId=subnets[0])
role = iam.create_role(RoleName="eks-cluster", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
# The role a scan can assume (--role-arn).
iam.create_role(RoleName="eksdoctor-audit", AssumeRolePolicyDocument="{}")
node_trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
node_role = iam.create_role(RoleName="eks-nodes", AssumeRolePolicyDocument=node_trust)["Role"]["Arn"]
# The node role: the three policies EKS documents for nodes (the CNI policy on the node role), and
# an inline policy that gives every pod on the nodes all of S3.
for policy in ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]:
    iam.attach_role_policy(RoleName="eks-nodes", PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
iam.put_role_policy(RoleName="eks-nodes", PolicyName="app-data",
                    PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')
eks.create_cluster(
    name="live-demo",
    version="1.31",
    roleArn=role,
    resourcesVpcConfig={"subnetIds": subnets, "endpointPublicAccess": True, "endpointPrivateAccess": False},
)
eks.create_nodegroup(
    clusterName="live-demo",
    nodegroupName="general",
    scalingConfig={"minSize": 1, "maxSize": 6, "desiredSize": 3},
    subnets=subnets,
    instanceTypes=["m5.large"],
    version="1.31",
    amiType="AL2_x86_64",
    nodeRole=node_role,
)
# A node group on a launch template that requires IMDSv2 with hop limit 1, encrypts its root
# volume and sets the kubelet's max pods in nodeadm user data.
import base64
user_data = base64.b64encode(b"""MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BOUNDARY"

--BOUNDARY
Content-Type: application/node.eks.aws

apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  kubelet:
    config:
      maxPods: 17
--BOUNDARY--
""").decode()
lt = ec2.create_launch_template(LaunchTemplateName="secure-nodes", LaunchTemplateData={
    "InstanceType": "t3.medium",
    "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1},
    "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 50, "Encrypted": True}}],
    "UserData": user_data,
})["LaunchTemplate"]
eks.create_nodegroup(
    clusterName="live-demo",
    nodegroupName="secure",
    scalingConfig={"minSize": 1, "maxSize": 2, "desiredSize": 1},
    subnets=subnets[1:],
    amiType="AL2023_x86_64_STANDARD",
    version="1.31",
    nodeRole=node_role,
    launchTemplate={"id": lt["LaunchTemplateId"], "version": "1"},
)
eks.create_fargate_profile(
    clusterName="live-demo",
    fargateProfileName="batch",
    podExecutionRoleArn=node_role,
    subnets=subnets[1:],
    selectors=[{"namespace": "batch"}],
)
# Self-managed nodes: an Auto Scaling group tagged for the cluster and for cluster-autoscaler's
# auto-discovery, on a launch template with a custom AMI that leaves IMDSv1 on, in the two /21s,
# scaled to zero (no instance takes an address).
iam.create_instance_profile(InstanceProfileName="legacy-nodes")
iam.add_role_to_instance_profile(InstanceProfileName="legacy-nodes", RoleName="eks-nodes")
legacy = ec2.create_launch_template(LaunchTemplateName="legacy-nodes", LaunchTemplateData={
    "ImageId": "ami-0abcdef1234567890",
    "InstanceType": "m5.large",
    "IamInstanceProfile": {"Name": "legacy-nodes"},
    "MetadataOptions": {"HttpTokens": "optional", "HttpPutResponseHopLimit": 2},
})["LaunchTemplate"]
boto3.client("autoscaling", **kw).create_auto_scaling_group(
    AutoScalingGroupName="legacy-workers",
    LaunchTemplate={"LaunchTemplateId": legacy["LaunchTemplateId"], "Version": "$Latest"},
    MinSize=0, MaxSize=3, DesiredCapacity=0,
    VPCZoneIdentifier=",".join(subnets[1:]),
    Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in [
        ("kubernetes.io/cluster/live-demo", "owned"),
        ("k8s.io/cluster-autoscaler/enabled", "true"),
        ("k8s.io/cluster-autoscaler/live-demo", "owned"),
    ]],
)
# `--node-groups N`: N more managed node groups (for the concurrency test).
if "--node-groups" in sys.argv:
    for i in range(int(sys.argv[sys.argv.index("--node-groups") + 1])):
        eks.create_nodegroup(clusterName="live-demo", nodegroupName=f"extra-{i}",
                             scalingConfig={"minSize": 0, "maxSize": 1, "desiredSize": 0},
                             subnets=subnets[1:], instanceTypes=["m5.large"], version="1.31",
                             amiType="AL2023_x86_64_STANDARD", nodeRole=node_role)
# `--more`: self-managed nodes on a launch configuration (IMDSv1 on, an unencrypted root volume,
# bootstrap.sh's --max-pods=110 on an m5.large, whose ENIs address 29), and managed node groups on
# an instance type newer than the embedded table (`m9x.large`, which eks_extra.py describes) and
# one EC2 does not know at all (`m9x.huge`).
if "--more" in sys.argv:
    asg = boto3.client("autoscaling", **kw)
    script = b"#!/bin/bash\n/etc/eks/bootstrap.sh live-demo --kubelet-extra-args '--max-pods=110'\n"
    asg.create_launch_configuration(
        LaunchConfigurationName="lc-nodes", ImageId="ami-0abcdef1234567890", InstanceType="m5.large",
        IamInstanceProfile="legacy-nodes", UserData=script.decode(),  # boto3 base64-encodes it
        MetadataOptions={"HttpTokens": "optional", "HttpPutResponseHopLimit": 2},
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 50, "Encrypted": False}}])
    asg.create_auto_scaling_group(
        AutoScalingGroupName="lc-workers", LaunchConfigurationName="lc-nodes",
        MinSize=0, MaxSize=2, DesiredCapacity=0, VPCZoneIdentifier=",".join(subnets[1:]),
        Tags=[{"Key": "kubernetes.io/cluster/live-demo", "Value": "owned", "PropagateAtLaunch": True}])
    for group, kind in [("next-gen", "m9x.large"), ("unheard-of", "m9x.huge")]:
        eks.create_nodegroup(clusterName="live-demo", nodegroupName=group,
                             scalingConfig={"minSize": 0, "maxSize": 2, "desiredSize": 0},
                             subnets=subnets[1:], instanceTypes=[kind], version="1.31",
                             amiType="AL2023_x86_64_STANDARD", nodeRole=node_role)
print("live-demo")

# `--half`: a user with about half of the shipped policy (all of EKS, the subnets and VPCs, no
# route tables, endpoints, VPC attributes, CloudTrail or IAM), then moto enforces IAM from the next request
# on. Prints the user's access key id and secret on the second line. moto 5.2.1 rejects the
# signature of every EKS request while it enforces IAM (SignatureDoesNotMatch, boto3's too), so
# with --half EKS lives on a second server (--eks-url) that does not enforce it.
if "--half" in sys.argv:
    half = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
        "eks:DescribeAddon", "eks:DescribeCluster", "eks:DescribeFargateProfile", "eks:DescribeNodegroup",
        "eks:ListAddons", "eks:ListClusters", "eks:ListFargateProfiles", "eks:ListNodegroups",
        "ec2:DescribeSubnets", "ec2:DescribeVpcs"]}]}
    import json
    import urllib.request
    iam.create_user(UserName="auditor")
    iam.put_user_policy(UserName="auditor", PolicyName="half", PolicyDocument=json.dumps(half))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    print(key["AccessKeyId"], key["SecretAccessKey"])
    # text/plain: a form body would be parsed away and the count read as empty.
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset-auth", data=b"0", method="POST",
                                                  headers={"Content-Type": "text/plain"})).read()
