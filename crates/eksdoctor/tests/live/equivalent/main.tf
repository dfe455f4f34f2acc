# The estate that tests/moto/seed.py, tests/moto/eks_estate.json and tests/kmock/estate.json
# build on the test servers, written as one Terraform root module (the AWS side) and manifests
# (the Kubernetes side). A scan of this directory and a live read of that estate give the same
# findings, but for what only a running cluster shows (see the test that compares them).

provider "aws" {
  region = "eu-west-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.8.0/21"
  availability_zone = "eu-west-1b"
}

resource "aws_subnet" "c" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.16.0/21"
  availability_zone = "eu-west-1c"
}

resource "aws_iam_role" "cluster" {
  name               = "eks-cluster"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_iam_role" "nodes" {
  name = "eks-nodes"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "nodes" {
  for_each   = toset(["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"])
  role       = aws_iam_role.nodes.name
  policy_arn = "arn:aws:iam::aws:policy/${each.value}"
}

resource "aws_iam_role_policy" "app_data" {
  name   = "app-data"
  role   = aws_iam_role.nodes.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}

resource "aws_eks_cluster" "live_demo" {
  name     = "live-demo"
  version  = "1.31"
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = [aws_subnet.a.id, aws_subnet.b.id, aws_subnet.c.id]
    endpoint_public_access  = true
    endpoint_private_access = false
  }

  access_config {
    authentication_mode                         = "API_AND_CONFIG_MAP"
    bootstrap_cluster_creator_admin_permissions = true
  }
}

resource "aws_eks_node_group" "general" {
  cluster_name    = aws_eks_cluster.live_demo.name
  node_group_name = "general"
  node_role_arn   = aws_iam_role.nodes.arn
  subnet_ids      = [aws_subnet.a.id, aws_subnet.b.id, aws_subnet.c.id]
  instance_types  = ["m5.large"]
  ami_type        = "AL2_x86_64"
  version         = "1.31"

  scaling_config {
    min_size     = 1
    max_size     = 6
    desired_size = 3
  }
}

resource "aws_launch_template" "secure" {
  name          = "secure-nodes"
  instance_type = "t3.medium"

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 50
      encrypted   = true
    }
  }

  user_data = base64encode(<<-EOT
    MIME-Version: 1.0
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
  EOT
  )
}

resource "aws_eks_node_group" "secure" {
  cluster_name    = aws_eks_cluster.live_demo.name
  node_group_name = "secure"
  node_role_arn   = aws_iam_role.nodes.arn
  subnet_ids      = [aws_subnet.b.id, aws_subnet.c.id]
  ami_type        = "AL2023_x86_64_STANDARD"
  version         = "1.31"

  launch_template {
    id      = aws_launch_template.secure.id
    version = "1"
  }

  scaling_config {
    min_size     = 1
    max_size     = 2
    desired_size = 1
  }
}

resource "aws_eks_fargate_profile" "batch" {
  cluster_name           = aws_eks_cluster.live_demo.name
  fargate_profile_name   = "batch"
  pod_execution_role_arn = aws_iam_role.nodes.arn
  subnet_ids             = [aws_subnet.b.id, aws_subnet.c.id]

  selector {
    namespace = "batch"
  }
}

resource "aws_iam_instance_profile" "legacy" {
  name = "legacy-nodes"
  role = aws_iam_role.nodes.name
}

resource "aws_launch_template" "legacy" {
  name          = "legacy-nodes"
  image_id      = "ami-0abcdef1234567890"
  instance_type = "m5.large"

  iam_instance_profile {
    name = aws_iam_instance_profile.legacy.name
  }

  metadata_options {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 2
  }
}

resource "aws_autoscaling_group" "legacy" {
  name                = "legacy-workers"
  min_size            = 0
  max_size            = 3
  desired_capacity    = 0
  vpc_zone_identifier = [aws_subnet.b.id, aws_subnet.c.id]

  launch_template {
    id      = aws_launch_template.legacy.id
    version = "$Latest"
  }

  tag {
    key                 = "kubernetes.io/cluster/live-demo"
    value               = "owned"
    propagate_at_launch = true
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/enabled"
    value               = "true"
    propagate_at_launch = true
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/live-demo"
    value               = "owned"
    propagate_at_launch = true
  }
}

resource "aws_eks_addon" "vpc_cni" {
  cluster_name  = aws_eks_cluster.live_demo.name
  addon_name    = "vpc-cni"
  addon_version = "v1.18.1-eksbuild.1"
}

resource "aws_eks_addon" "kube_proxy" {
  cluster_name  = aws_eks_cluster.live_demo.name
  addon_name    = "kube-proxy"
  addon_version = "v1.31.2-eksbuild.3"
}

resource "aws_eks_addon" "coredns" {
  cluster_name  = aws_eks_cluster.live_demo.name
  addon_name    = "coredns"
  addon_version = "v1.11.3-eksbuild.1"
}

resource "aws_eks_access_entry" "bob" {
  cluster_name  = aws_eks_cluster.live_demo.name
  principal_arn = "arn:aws:iam::123456789012:user/bob"
}

resource "aws_eks_access_policy_association" "bob" {
  cluster_name  = aws_eks_cluster.live_demo.name
  principal_arn = aws_eks_access_entry.bob.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}
