k8s_version  = "1.35"
public_cidrs = ["203.0.113.0/24"]
